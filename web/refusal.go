package web

import (
	"errors"

	"qingdan/data/store"
	"qingdan/policy"
)

// refusalKey is the catalogue key of the refusal a person sees for err on
// the admin page ("" for an error that is not a refusal).
func refusalKey(err error) string {
	var ve *store.ValidationError
	for _, k := range []struct {
		err error
		key string
	}{
		{policy.ErrOwnAccount, "refused_own_account"}, {policy.ErrNotAccountManager, "refused_admin_account"},
		{policy.ErrSeparationOfDuties, "refused_separation"}, {policy.ErrSelfGrant, "refused_self_grant"},
		{policy.ErrRoleScope, "refused_scope"}, {policy.ErrAlreadyGranted, "refused_already_granted"},
		{policy.ErrNotGranted, "refused_not_granted"}, {policy.ErrWeakPassword, "refused_weak_password"},
		{policy.ErrInvalidName, "refused_bad_name"}, {policy.ErrUnknownRole, "refused_invalid"},
		{policy.ErrForbidden, "refused_forbidden"}, {store.ErrNotFound, "refused_not_found"}, {store.ErrConflict, "refused_conflict"},
	} {
		if errors.Is(err, k.err) {
			return k.key
		}
	}
	if errors.As(err, &ve) {
		if _, ok := ve.Fields["dept"]; ok && len(ve.Fields) == 1 {
			return "refused_unknown_dept"
		}
		for _, f := range []string{"username", "display_name"} {
			if _, ok := ve.Fields[f]; ok {
				return "refused_bad_name"
			}
		}
		return "refused_invalid"
	}
	return ""
}
