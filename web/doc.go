// Package web serves qingdan over HTTP with Fiber v2: one route table
// (routes.go) where every route shows its authorisation, a JSON API under
// /api/v1 with RFC 9457 problem+json errors, and (in later files) the
// server-rendered pages.
package web
