package web

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"qingdan/data/applications"
	"qingdan/policy"
)

// The extension form's limit is the rule's (行政许可法第四十二条), not a
// number of its own.
func TestExtendFormCapIsTheRule(t *testing.T) {
	s, _ := newDemoServer(t)
	number, _ := submitHTTP(t, s, "FW-SCJG-001")
	if status, _, _ := postForm(t, s, "/work/applications/"+number+"/accept", login(t, s, "clerk.scjg"), url.Values{}); status != 200 {
		t.Fatalf("accept: %d, want 200", status)
	}
	status, body := getPage(t, s, "/work/applications/"+number, sessionOf(login(t, s, "approver.scjg")))
	input := `<input id="extend-days" name="days" type="number" min="1" max="`
	at := strings.Index(body, input)
	if status != 200 || at < 0 {
		t.Fatalf("application page: %d, want the extension form", status)
	}
	got, _, _ := strings.Cut(body[at+len(input):], `"`)
	if want := strconv.Itoa(applications.MaxExtensionDays); got != want {
		t.Errorf("extension form max = %s, want %s (applications.MaxExtensionDays)", got, want)
	}
}

// Every action an official takes is a permission on applications that
// some role holds, and every permission on applications (besides
// reading) is an action of the state machine: the permission is named as
// the action (routes and pages ask for it by that name).
func TestApplicationActsMatchBothTables(t *testing.T) {
	granted := map[string]bool{}
	for _, role := range policy.Roles() {
		for _, p := range policy.Permissions(role) {
			if p.Obj == policy.ObjApplication && p.Act != policy.ActRead && p.Act != policy.ActReadAll {
				granted[p.Act] = true
			}
		}
	}
	officials := applications.OfficialActions()
	for _, a := range officials {
		if !granted[a] {
			t.Errorf("action %q is a permission of no role", a)
		}
	}
	for act := range granted {
		if !slices.Contains(officials, act) {
			t.Errorf("permission %q on applications is no official's action of the state machine", act)
		}
	}
	want := slices.DeleteFunc(applications.Actions(), func(a string) bool { return a == applications.ActionWithdraw })
	if got := slices.Sorted(slices.Values(officials)); !slices.Equal(got, want) {
		t.Errorf("official actions %v, want every action but the applicant's withdrawal %v", got, want)
	}
}

// The page offers what the state machine allows, in its order, and
// nothing else.
func TestActionsForFollowsTheStateMachine(t *testing.T) {
	states := []string{applications.StateSubmitted, applications.StateAccepted, applications.StateRefused, applications.StateReviewed,
		applications.StateDecided, applications.StateDelivered, applications.StateWithdrawn}
	want := map[string]string{
		applications.StateSubmitted: "accept refuse", applications.StateAccepted: "review pause extend",
		applications.StateReviewed: "decide pause extend", applications.StateDecided: "deliver",
		applications.StateAccepted + " paused": "resume", applications.StateReviewed + " paused": "resume",
	}
	for _, state := range states {
		for _, paused := range []bool{false, true} {
			key := state
			app := &applications.Application{State: state}
			if paused {
				key += " paused"
				app.PausedSince = "2026-11-09"
			}
			var got []string
			for _, a := range actionsFor(&applications.View{Application: app}) {
				got = append(got, a.Name)
			}
			if g := strings.Join(got, " "); g != want[key] {
				t.Errorf("%s: actions %q, want %q", key, g, want[key])
			}
		}
	}
}
