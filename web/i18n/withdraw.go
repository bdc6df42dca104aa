package i18n

// catalogueWithdraw labels the reason codes of a public withdrawal
// (data.WithdrawReasons), key withdraw_reason_<code>: the ledger records
// the code, a page shows its label.
var catalogueWithdraw = map[string][2]string{
	"withdraw_reason":                  {"撤回原因", "Reason for withdrawing"},
	"withdraw_reason_no_longer_needed": {"不再需要办理", "No longer needed"},
	"withdraw_reason_resubmit":         {"需修改后重新申请", "Will correct and apply again"},
	"withdraw_reason_wrong_service":    {"申请事项选错", "Applied for the wrong service"},
	"withdraw_reason_other":            {"其他原因", "Other reason"},
	"withdraw_reason_note": {"补充说明（选填，最多500字；仅经办人员可见，不写入公开账本）",
		"Details (optional, at most 500 characters; seen by officials only, never written to the public ledger)"},
}
