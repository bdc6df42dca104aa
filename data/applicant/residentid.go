package applicant

import (
	"time"

	"qingdan/data/workday"
)

// today returns the current date in China as YYYYMMDD.
func today() string { return time.Now().In(workday.China).Format("20060102") }

// residentWeights are the GB 11643-1999 weights of the first 17 digits.
var residentWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// residentChecks maps the weighted sum mod 11 to the check character.
const residentChecks = "10X98765432"

// provinces are the valid first two digits (province-level region codes)
// of a resident ID: 11-15, 21-23, 31-37, 41-46, 50-54, 61-65, 71, 81, 82.
var provinces = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true,
	"21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true,
	"41": true, "42": true, "43": true, "44": true, "45": true, "46": true,
	"50": true, "51": true, "52": true, "53": true, "54": true,
	"61": true, "62": true, "63": true, "64": true, "65": true,
	"71": true, "81": true, "82": true,
}

// residentCheck returns the GB 11643-1999 check character (0-9 or X) for
// the first 17 digits of a resident ID, or 0 if base is not 17 digits.
func residentCheck(base string) byte {
	if len(base) != 17 || !isDigits(base) {
		return 0
	}
	sum := 0
	for i, w := range residentWeights {
		sum += int(base[i]-'0') * w
	}
	return residentChecks[sum%11]
}

// checkResidentID validates an 18-character resident ID against today
// (YYYYMMDD) and returns a message, or "" if it is valid.
func checkResidentID(n, today string) string {
	switch {
	case len(n) != 18:
		return "身份证号码应为18位 (resident ID must be 18 characters)"
	case !isDigits(n[:17]) || !(isDigits(n[17:]) || n[17] == 'X'):
		return "身份证号码应为17位数字加1位数字或X (resident ID must be 17 digits and a digit or X)"
	case !provinces[n[:2]]:
		return "身份证号码地区代码无效 (resident ID region code is invalid)"
	}
	if msg := checkBirthDate(n[6:14], today); msg != "" {
		return msg
	}
	if residentCheck(n[:17]) != n[17] {
		return "身份证号码校验位错误 (resident ID check digit is wrong)"
	}
	return ""
}

// checkBirthDate checks a YYYYMMDD birth date: a real calendar date, from
// 1900 on and not after today.
func checkBirthDate(d, today string) string {
	t, err := time.Parse("20060102", d)
	switch {
	case err != nil || t.Year() < 1900:
		return "身份证号码出生日期无效 (resident ID birth date is invalid)"
	case d > today:
		return "身份证号码出生日期晚于今天 (resident ID birth date is in the future)"
	}
	return ""
}
