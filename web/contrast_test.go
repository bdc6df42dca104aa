package web

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The colour-contrast test (WCAG 2.1 AA, success criteria 1.4.3 and
// 1.4.11) reads the colours from the stylesheet the server embeds, so a
// low-contrast colour put into site.css fails it. The stylesheet has no
// custom properties; the pairs that matter are listed in contrastPairs,
// each colour named by the selector and property it is read from.

// Minimum contrast ratios of WCAG 2.1 AA.
const (
	normalText = 4.5 // 1.4.3, text below 18.66 px bold / 24 px
	largeText  = 3.0 // 1.4.3, large text
	uiBoundary = 3.0 // 1.4.11, focus indicators and component boundaries
)

// cssRef names one declaration: the selector exactly as it appears in a
// rule's selector list (e.g. ".nav a[aria-current]" of ".nav
// a:hover,.nav a[aria-current]") and the property. "background" also
// finds "background-color", "outline" also "outline-color".
type cssRef struct{ sel, prop string }

// contrastPair is a foreground colour over a stack of backgrounds, the
// bottom one first (a translucent layer is composited over the ones below
// it). opacity, if set, is an opacity declaration applied to the
// foreground.
type contrastPair struct {
	name    string
	fg      cssRef
	opacity *cssRef
	bg      []cssRef
	min     float64
}

var (
	pageBG  = cssRef{"body", "background"}
	panelBG = cssRef{".panel", "background"}
	bodyFG  = cssRef{"body", "color"}
	linkFG  = cssRef{"a", "color"}
	topBG   = cssRef{".top", "background"}
	footBG  = cssRef{".foot", "background"}
	tableTH = cssRef{".table th", "background"}
)

func bg(refs ...cssRef) []cssRef { return refs }

var contrastPairs = []contrastPair{
	// body text on the page, on panels and cards
	{"body text on page", bodyFG, nil, bg(pageBG), normalText},
	{"body text on panel", bodyFG, nil, bg(panelBG), normalText},
	{"headings on page", cssRef{"h1", "color"}, nil, bg(pageBG), largeText},
	{"h2 on panel", cssRef{"h2", "color"}, nil, bg(panelBG), normalText},
	{"h1 small on page", cssRef{"h1 small", "color"}, nil, bg(pageBG), normalText},
	{"code block text", bodyFG, nil, bg(cssRef{"pre", "background"}), normalText},
	{"read-only input", cssRef{"input", "color"}, nil, bg(cssRef{".item-form input[readonly]", "background"}), normalText},
	// links
	{"link on page", linkFG, nil, bg(pageBG), normalText},
	{"link on panel", linkFG, nil, bg(panelBG), normalText},
	{"link hover on page", cssRef{"a:hover", "color"}, nil, bg(pageBG), normalText},
	{"link in a yellow queue row", linkFG, nil, bg(panelBG, cssRef{"tr.yellow td", "background"}), normalText},
	{"link in a red queue row", linkFG, nil, bg(panelBG, cssRef{"tr.red td", "background"}), normalText},
	{"link in table header", linkFG, nil, bg(tableTH), normalText},
	{"tab link", linkFG, nil, bg(cssRef{".tabs a", "background"}), normalText},
	{"current tab", cssRef{".tabs a[aria-current]", "color"}, nil, bg(cssRef{".tabs a[aria-current]", "background"}), normalText},
	// buttons: text on the button's background
	{"button", cssRef{".btn", "color"}, nil, bg(cssRef{".btn", "background"}), normalText},
	{"button hover", cssRef{".btn:hover", "color"}, nil, bg(cssRef{".btn:hover", "background"}), normalText},
	{"secondary button", cssRef{".btn.secondary", "color"}, nil, bg(cssRef{".btn.secondary", "background"}), normalText},
	{"danger button", cssRef{".btn", "color"}, nil, bg(cssRef{".btn.danger", "background"}), normalText},
	{"link button in the header", cssRef{"button.link", "color"}, nil, bg(topBG), normalText},
	// clock status and other tags (badges): normal and paused use .tag
	{"tag normal/paused", cssRef{".tag", "color"}, nil, bg(cssRef{".tag", "background"}), normalText},
	{"tag yellow", cssRef{".tag.yellow", "color"}, nil, bg(cssRef{".tag.yellow", "background"}), normalText},
	{"tag red", cssRef{".tag.red", "color"}, nil, bg(cssRef{".tag.red", "background"}), normalText},
	{"tag green", cssRef{".tag.green", "color"}, nil, bg(cssRef{".tag.green", "background"}), normalText},
	{"tag hot", cssRef{".tag.hot", "color"}, nil, bg(cssRef{".tag.hot", "background"}), normalText},
	{"tag closed on time", cssRef{".tag.closed_on_time", "color"}, nil, bg(cssRef{".tag.closed_on_time", "background"}), normalText},
	{"tag closed late", cssRef{".tag.closed_late", "color"}, nil, bg(cssRef{".tag.closed_late", "background"}), normalText},
	// queue rows coloured by clock status
	{"text in a yellow queue row", bodyFG, nil, bg(panelBG, cssRef{"tr.yellow td", "background"}), normalText},
	{"text in a red queue row", bodyFG, nil, bg(panelBG, cssRef{"tr.red td", "background"}), normalText},
	// alerts and results
	{"error alert", cssRef{".alert.error", "color"}, nil, bg(cssRef{".alert.error", "background"}), normalText},
	{"ok alert", cssRef{".alert.ok", "color"}, nil, bg(cssRef{".alert.ok", "background"}), normalText},
	{"field error", cssRef{".field-error", "color"}, nil, bg(panelBG), normalText},
	{"result ok", cssRef{".result.ok", "color"}, nil, bg(panelBG), normalText},
	{"result fail", cssRef{".result.fail", "color"}, nil, bg(panelBG), normalText},
	{"failed step", bodyFG, nil, bg(cssRef{".steps-log li.fail", "background"}), normalText},
	// muted and hint text
	{"muted on page", cssRef{".muted", "color"}, nil, bg(pageBG), normalText},
	{"muted on panel", cssRef{".muted", "color"}, nil, bg(panelBG), normalText},
	{"hint on page", cssRef{".hint", "color"}, nil, bg(pageBG), normalText},
	{"hint on panel", cssRef{".hint", "color"}, nil, bg(panelBG), normalText},
	{"meta on card", cssRef{".meta", "color"}, nil, bg(cssRef{".card", "background"}), normalText},
	{"field label on panel", cssRef{".fields dt", "color"}, nil, bg(panelBG), normalText},
	{"blockquote on panel", cssRef{"blockquote", "color"}, nil, bg(panelBG), normalText},
	// header and navigation
	{"header text", cssRef{".top", "color"}, nil, bg(topBG), normalText},
	{"nav link", cssRef{".top a", "color"}, nil, bg(topBG), normalText},
	{"nav link hover/current", cssRef{".top a", "color"}, nil, bg(topBG, cssRef{".nav a[aria-current]", "background"}), normalText},
	{"site subtitle", cssRef{".top", "color"}, &cssRef{".brand small", "opacity"}, bg(topBG), normalText},
	{"signed-in user", cssRef{".top", "color"}, &cssRef{".who", "opacity"}, bg(topBG), normalText},
	{"emblem (bold 1.3rem)", cssRef{".emblem", "color"}, nil, bg(cssRef{".emblem", "background"}), largeText},
	// table headers
	{"table header", bodyFG, nil, bg(tableTH), normalText},
	// footer
	{"footer text", cssRef{".foot", "color"}, nil, bg(footBG), normalText},
	{"footer link", cssRef{".foot a", "color"}, nil, bg(footBG), normalText},
	// focus indicator (outline-offset 2px: it lies on the background
	// around the element, e.g. the header's red around a highlighted nav
	// link, not the link's own background) and form field boundaries
	{"focus outline on page", cssRef{":focus-visible", "outline"}, nil, bg(pageBG), uiBoundary},
	{"focus outline on panel", cssRef{":focus-visible", "outline"}, nil, bg(panelBG), uiBoundary},
	{"focus outline in a red queue row", cssRef{":focus-visible", "outline"}, nil, bg(panelBG, cssRef{"tr.red td", "background"}), uiBoundary},
	{"focus outline in the header", cssRef{".top :focus-visible", "outline"}, nil, bg(topBG), uiBoundary},
	{"focus outline in the footer", cssRef{".foot :focus-visible", "outline"}, nil, bg(footBG), uiBoundary},
	{"focus outline of the skip link (over the header)", cssRef{".skip:focus-visible", "outline"}, nil, bg(topBG), uiBoundary},
	{"skip link", linkFG, nil, bg(cssRef{".skip", "background"}), normalText},
	{"input border on panel", cssRef{"input", "border"}, nil, bg(panelBG), uiBoundary},
}

func TestColourContrast(t *testing.T) {
	css, err := staticFS.ReadFile("static/site.css")
	if err != nil {
		t.Fatal(err)
	}
	sheet := parseCSS(string(css))
	for _, p := range contrastPairs {
		ratio, err := sheet.contrast(p)
		switch {
		case err != nil:
			t.Errorf("%s: %v", p.name, err)
		case ratio < p.min:
			t.Errorf("%s: contrast %.2f:1, WCAG 2.1 AA needs %.1f:1 (%s)", p.name, ratio, p.min, sheet.describe(p))
		default:
			t.Logf("%-36s %5.2f:1 (≥ %.1f)", p.name, ratio, p.min)
		}
	}
}

// TestColourContrastCatchesLowContrast: the check reads the stylesheet,
// so a grey body text or a pale focus outline in it fails.
func TestColourContrastCatchesLowContrast(t *testing.T) {
	css, err := staticFS.ReadFile("static/site.css")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ re, to, pair string }{
		{`(body\{[^}]*;color:)#[0-9a-f]+`, "${1}#9a9a9a", "body text on page"},
		{`(\.tag\.yellow\{[^}]*;color:)#[0-9a-f]+`, "${1}#c99a1a", "tag yellow"},
		{`(\n:focus-visible\{outline:3px solid )#[0-9a-f]+`, "${1}#e8b84a", "focus outline on page"},
		{`(\.top\{background:)#[0-9a-f]+`, "${1}#e05a5a", "nav link"},
	}
	for _, tt := range tests {
		re := regexp.MustCompile(tt.re)
		if !re.Match(css) {
			t.Errorf("site.css no longer matches %s; update this test", tt.re)
			continue
		}
		sheet := parseCSS(re.ReplaceAllString(string(css), tt.to))
		found := false
		for _, p := range contrastPairs {
			if p.name != tt.pair {
				continue
			}
			found = true
			if ratio, err := sheet.contrast(p); err != nil || ratio >= p.min {
				t.Errorf("%s after %s → %s: ratio %.2f, err %v; want a failure", p.name, tt.re, tt.to, ratio, err)
			}
		}
		if !found {
			t.Errorf("no pair %q", tt.pair)
		}
	}
}

func TestRelativeLuminance(t *testing.T) {
	tests := []struct {
		a, b string
		want float64
	}{
		{"#000", "#fff", 21},
		{"#fff", "#fff", 1},
		{"#767676", "#fff", 4.54}, // the well-known lightest grey passing 4.5:1 on white
		{"#777777", "#ffffff", 4.48},
	}
	for _, tt := range tests {
		a, _ := parseColour(tt.a)
		b, _ := parseColour(tt.b)
		if got := contrastRatio(a, b); math.Abs(got-tt.want) > 0.01 {
			t.Errorf("contrast(%s, %s) = %.3f, want %.2f", tt.a, tt.b, got, tt.want)
		}
	}
}

// rgba is a colour with 0–255 channels and alpha 0–1.
type rgba struct{ r, g, b, a float64 }

// over composites c over the opaque colour under (simple alpha blending
// in sRGB, as browsers do).
func (c rgba) over(under rgba) rgba {
	mix := func(x, y float64) float64 { return c.a*x + (1-c.a)*y }
	return rgba{mix(c.r, under.r), mix(c.g, under.g), mix(c.b, under.b), 1}
}

// luminance is the WCAG 2.1 relative luminance of an opaque colour:
// 0.2126 R + 0.7152 G + 0.0722 B of the linearised sRGB channels, where
// a channel c = v/255 is c/12.92 if c ≤ 0.04045, else ((c+0.055)/1.055)^2.4.
// (WCAG 2.1 prints 0.03928, an older sRGB value; no 8-bit channel lies
// between the two, so the results are the same.)
func (c rgba) luminance() float64 {
	lin := func(v float64) float64 {
		v /= 255
		if v <= 0.04045 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.r) + 0.7152*lin(c.g) + 0.0722*lin(c.b)
}

// contrastRatio is (L1 + 0.05) / (L2 + 0.05), L1 the lighter colour's.
func contrastRatio(a, b rgba) float64 {
	la, lb := a.luminance(), b.luminance()
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

var (
	hexColour  = regexp.MustCompile(`#[0-9a-fA-F]{3,8}\b`)
	anyColour  = regexp.MustCompile(`#[0-9a-fA-F]{3,8}\b|rgba?\([^)]*\)|\b(?:white|black|transparent)\b`)
	cssComment = regexp.MustCompile(`(?s)/\*.*?\*/`)
)

// parseColour reads #rgb, #rrggbb, rgb(r,g,b), rgba(r,g,b,a), white and
// black.
func parseColour(s string) (rgba, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	switch s {
	case "white":
		return rgba{255, 255, 255, 1}, nil
	case "black":
		return rgba{0, 0, 0, 1}, nil
	}
	if hexColour.MatchString(s) && (len(s) == 4 || len(s) == 7) {
		h := s[1:]
		if len(h) == 3 {
			h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
		}
		v, err := strconv.ParseUint(h, 16, 32)
		return rgba{float64(v >> 16 & 255), float64(v >> 8 & 255), float64(v & 255), 1}, err
	}
	if inner, ok := strings.CutPrefix(s, "rgba("); ok {
		s = "rgb(" + inner
	}
	if inner, ok := strings.CutPrefix(s, "rgb("); ok {
		parts := strings.Split(strings.TrimSuffix(inner, ")"), ",")
		if len(parts) != 3 && len(parts) != 4 {
			return rgba{}, fmt.Errorf("colour %q: want 3 or 4 components", s)
		}
		c := []float64{0, 0, 0, 1}
		for i, p := range parts {
			v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
			if err != nil {
				return rgba{}, fmt.Errorf("colour %q: %v", s, err)
			}
			c[i] = v
		}
		return rgba{c[0], c[1], c[2], c[3]}, nil
	}
	return rgba{}, fmt.Errorf("colour %q: not a colour this test reads", s)
}

// styleSheet is the top-level rules of a stylesheet in order: selector
// list and declarations. Rules inside @media and other at-rules are left
// out (the stylesheet's only ones are the phone layout, which sets no
// colours, and print).
type styleSheet []cssRule

type cssRule struct {
	selectors []string
	decls     map[string]string
}

// parseCSS is just enough of a CSS parser for site.css: comments,
// rules, at-rule blocks (skipped) and declarations.
func parseCSS(css string) styleSheet {
	css = cssComment.ReplaceAllString(css, "")
	var out styleSheet
	for {
		open := strings.IndexByte(css, '{')
		if open < 0 {
			return out
		}
		prelude := strings.TrimSpace(css[:open])
		if strings.HasPrefix(prelude, "@") {
			depth, i := 0, open
			for ; i < len(css); i++ {
				if css[i] == '{' {
					depth++
				} else if css[i] == '}' {
					if depth--; depth == 0 {
						break
					}
				}
			}
			css = css[min(i+1, len(css)):]
			continue
		}
		end := strings.IndexByte(css[open:], '}')
		if end < 0 {
			return out
		}
		body := css[open+1 : open+end]
		css = css[open+end+1:]
		r := cssRule{decls: map[string]string{}}
		for _, sel := range strings.Split(prelude, ",") {
			r.selectors = append(r.selectors, strings.Join(strings.Fields(sel), " "))
		}
		for _, d := range strings.Split(body, ";") {
			if k, v, ok := strings.Cut(d, ":"); ok {
				r.decls[strings.TrimSpace(k)] = strings.TrimSpace(v)
			}
		}
		out = append(out, r)
	}
}

// value is the declared value of ref: of the last rule whose selector list
// has ref.sel, declaring ref.prop (or, for background and outline, its
// -color longhand).
func (s styleSheet) value(ref cssRef) (string, error) {
	props := []string{ref.prop}
	switch ref.prop {
	case "background", "outline", "border":
		props = append(props, ref.prop+"-color")
	}
	for i := len(s) - 1; i >= 0; i-- {
		r := s[i]
		for _, sel := range r.selectors {
			if sel != ref.sel {
				continue
			}
			for _, p := range props {
				if v, ok := r.decls[p]; ok {
					return v, nil
				}
			}
		}
	}
	return "", fmt.Errorf("site.css has no rule for %q with %s", ref.sel, ref.prop)
}

// colour is the one colour in the value of ref (a shorthand such as
// "3px solid #f0a500" holds one).
func (s styleSheet) colour(ref cssRef) (rgba, error) {
	v, err := s.value(ref)
	if err != nil {
		return rgba{}, err
	}
	found := anyColour.FindAllString(v, -1)
	if len(found) != 1 {
		return rgba{}, fmt.Errorf("%s { %s: %s }: want exactly one colour", ref.sel, ref.prop, v)
	}
	return parseColour(found[0])
}

// contrast is the contrast ratio of p's foreground over its backgrounds.
func (s styleSheet) contrast(p contrastPair) (float64, error) {
	back := rgba{255, 255, 255, 1} // the canvas under everything
	for _, ref := range p.bg {
		c, err := s.colour(ref)
		if err != nil {
			return 0, err
		}
		back = c.over(back)
	}
	fore, err := s.colour(p.fg)
	if err != nil {
		return 0, err
	}
	if p.opacity != nil {
		v, err := s.value(*p.opacity)
		if err != nil {
			return 0, err
		}
		op, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return 0, fmt.Errorf("%s { opacity: %s }: %v", p.opacity.sel, v, err)
		}
		fore.a *= op
	}
	return contrastRatio(fore.over(back), back), nil
}

// describe names the colours of p for a failure message.
func (s styleSheet) describe(p contrastPair) string {
	fg, _ := s.value(p.fg)
	var bgs []string
	for _, ref := range p.bg {
		v, _ := s.value(ref)
		bgs = append(bgs, ref.sel+" "+v)
	}
	return fmt.Sprintf("%s { %s: %s } on %s", p.fg.sel, p.fg.prop, fg, strings.Join(bgs, " under "))
}
