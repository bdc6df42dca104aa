package web

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"
)

// chineseHolidayNames are the names the State Council notices use
// (data/workday/holidays): none may show on an English page.
var chineseHolidayNames = []string{"元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"}

// acceptedBeforeNationalDay is a demo server whose approvals clock reads
// Thursday 2026-09-24 (China), with an application accepted that day: its
// deadlines cross the Mid-Autumn (09-25…27) and National Day (10-01…07)
// holidays.
func acceptedBeforeNationalDay(t *testing.T) (s *Server, number, code string) {
	t.Helper()
	s, _ = newDemoServerAt(t, func() time.Time { return time.Date(2026, 9, 24, 2, 0, 0, 0, time.UTC) }, func(*Config) {})
	number, code = submitHTTP(t, s, "FW-GAJ-001")
	if status, body := send(t, s, "POST", "/api/v1/applications/"+number+"/accept", login(t, s, "clerk.gaj"), nil); status != 200 {
		t.Fatalf("accept: %d %s", status, body)
	}
	return s, number, code
}

// TestProgressExplanationLanguage: the progress page explains the
// deadlines in English with ?lang=en, with English holiday names, and in
// Chinese by default.
func TestProgressExplanationLanguage(t *testing.T) {
	s, number, code := acceptedBeforeNationalDay(t)
	form := url.Values{"number": {number}, "query_code": {code}}

	status, _, en := postForm(t, s, "/progress?lang=en", creds{}, form)
	if status != 200 {
		t.Fatalf("progress (en): %d", status)
	}
	checkText(t, "English progress page", en, []string{
		"Accepted 2026-09-24 (Thursday).",
		"2026-09-25 … 2026-09-27 holiday: Mid-Autumn Festival (3 days, not counted)",
		"2026-10-01 … 2026-10-07 holiday: National Day (7 days, not counted)",
	}, append([]string{"受理日", "法定节假日", "不计入", "截止日"}, chineseHolidayNames...))

	status, _, zh := postForm(t, s, "/progress", creds{}, form)
	if status != 200 {
		t.Fatalf("progress (zh): %d", status)
	}
	checkText(t, "Chinese progress page", zh, []string{
		"受理日 2026-09-24（星期四）",
		"2026-09-25 至 2026-09-27 法定节假日：中秋节（3 天，不计入）",
		"2026-10-01 至 2026-10-07 法定节假日：国庆节（7 天，不计入）",
	}, []string{"National Day", "Mid-Autumn", "not counted"})
}

// checkText reports each of want that body lacks and each of not that it
// has.
func checkText(t *testing.T, what, body string, want, not []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
	for _, n := range not {
		if strings.Contains(body, n) {
			t.Errorf("%s has %q", what, n)
		}
	}
}

// TestWorkPageExplanationLanguage: the officials' page of the application
// follows the page language too.
func TestWorkPageExplanationLanguage(t *testing.T) {
	s, number, _ := acceptedBeforeNationalDay(t)
	clerk := sessionOf(login(t, s, "clerk.gaj"))
	status, en := getPage(t, s, "/work/applications/"+number+"?lang=en", clerk)
	// the page explains the promised deadline (3 working days: 09-28…30)
	if status != 200 || !strings.Contains(en, "2026-09-25 … 2026-09-27 holiday: Mid-Autumn Festival (3 days, not counted)") {
		t.Fatalf("work page (en): %d, want the English explanation", status)
	}
	checkText(t, "English work page", en, nil, chineseHolidayNames)
	status, zh := getPage(t, s, "/work/applications/"+number+"?lang=zh", clerk)
	if status != 200 || !strings.Contains(zh, "法定节假日：中秋节") || strings.Contains(zh, "Mid-Autumn") {
		t.Errorf("work page (zh): %d, want the Chinese explanation only", status)
	}
}

// TestAPIExplanationEN: the API keeps "explanation" in Chinese and adds
// "explanation_en".
func TestAPIExplanationEN(t *testing.T) {
	s, number, code := acceptedBeforeNationalDay(t)
	status, body := send(t, s, "GET", "/api/v1/applications/"+number+"?query_code="+code, creds{}, nil)
	if status != 200 {
		t.Fatalf("progress API: %d %s", status, body)
	}
	type deadline struct {
		Date          string `json:"date"`
		Explanation   string `json:"explanation"`
		ExplanationEN string `json:"explanation_en"`
	}
	var v map[string]json.RawMessage
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatal(err)
	}
	// promised: 3 working days (Mid-Autumn only); legal: 20 (both holidays)
	for name, holiday := range map[string][2]string{
		"promised_deadline": {"中秋节", "Mid-Autumn Festival"},
		"legal_deadline":    {"国庆节", "National Day"},
	} {
		var d deadline
		if err := json.Unmarshal(v[name], &d); err != nil || d.Date == "" {
			t.Errorf("%s: %v in %s", name, err, body)
			continue
		}
		if !strings.Contains(d.Explanation, "法定节假日："+holiday[0]) || strings.Contains(d.Explanation, holiday[1]) {
			t.Errorf("%s.explanation is not the Chinese text: %q", name, d.Explanation)
		}
		if !strings.Contains(d.ExplanationEN, "holiday: "+holiday[1]) {
			t.Errorf("%s.explanation_en is not the English text: %q", name, d.ExplanationEN)
		}
		checkText(t, name+".explanation_en", d.ExplanationEN, nil, chineseHolidayNames)
	}
}
