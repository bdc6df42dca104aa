package web

// The staff pages' interface strings.
var catalogueStaff = map[string][2]string{
	"username": {"用户名", "Username"},
}
