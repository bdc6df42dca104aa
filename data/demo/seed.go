package demo

import (
	"context"
	"encoding/json"
	"fmt"

	"qingdan/data/lists"
)

// Seeder is what seeding needs: the catalog's write operations.
type Seeder interface {
	Publish(ctx context.Context, actor string, kind lists.Kind, item json.RawMessage, meta lists.ChangeMeta) (*lists.Written, error)
	Amend(ctx context.Context, actor string, kind lists.Kind, code string, changes map[string]json.RawMessage, meta lists.ChangeMeta) (*lists.Written, error)
	Repeal(ctx context.Context, actor string, kind lists.Kind, code string, meta lists.ChangeMeta) (*lists.Written, error)
}

// Actor is who the demo's list changes are recorded as: the 编办's editor.
const Actor = "editor.bianban"

// Seed publishes the demo county through the same ledger events as real
// edits — departments, powers, responsibilities, services — then applies
// its history of amendments and repeals in order.
func Seed(ctx context.Context, s Seeder) error {
	d, err := Load()
	if err != nil {
		return err
	}
	meta := lists.ChangeMeta{BasisDoc: d.InitialBasisDoc, ChangeNote: "清单初次公布", Major: true,
		EffectiveFrom: d.InitialEffectiveFrom}
	steps := []struct {
		kind  lists.Kind
		items any
	}{
		{lists.KindDepartment, d.Departments}, {lists.KindPower, d.Powers},
		{lists.KindResponsibility, d.Responsibilities}, {lists.KindService, d.Services},
	}
	for _, st := range steps {
		if err := publishAll(ctx, s, st.kind, st.items, meta); err != nil {
			return err
		}
	}
	return applyHistory(ctx, s, d.History)
}

func publishAll(ctx context.Context, s Seeder, kind lists.Kind, items any, meta lists.ChangeMeta) error {
	raw, err := json.Marshal(items)
	if err != nil {
		return err
	}
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		return err
	}
	for _, item := range list {
		if _, err := s.Publish(ctx, Actor, kind, item, meta); err != nil {
			return fmt.Errorf("demo: publish %s %s: %w", kind, item, err)
		}
	}
	return nil
}

func applyHistory(ctx context.Context, s Seeder, history []Change) error {
	for _, ch := range history {
		meta := lists.ChangeMeta{BasisDoc: ch.BasisDoc, ChangeNote: ch.ChangeNote, Major: ch.Major, EffectiveFrom: ch.EffectiveFrom}
		var err error
		switch ch.Action {
		case "amend":
			_, err = s.Amend(ctx, Actor, lists.Kind(ch.Kind), ch.Code, ch.Changes, meta)
		case "repeal":
			_, err = s.Repeal(ctx, Actor, lists.Kind(ch.Kind), ch.Code, meta)
		default:
			err = fmt.Errorf("unknown action %q", ch.Action)
		}
		if err != nil {
			return fmt.Errorf("demo: %s %s %s: %w", ch.Action, ch.Kind, ch.Code, err)
		}
	}
	return nil
}
