// Package web serves qingdan over HTTP with Fiber v2: one route table
// (routes.go) where every route shows its authorisation, a JSON API under
// /api/v1 with RFC 9457 problem+json errors, and the server-rendered
// pages in Chinese and English. Its subpackages hold what the handlers
// use: i18n the catalogues of every visible text, editform the list
// editor's form codec and view, accounts the glue of accounts, roles and
// the enforcer.
package web
