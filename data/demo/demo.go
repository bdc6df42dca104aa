// Package demo embeds the demonstration dataset of qingdan: the fictional
// 清江县 (Qingjiang County) with its departments, power list (权力清单),
// responsibility list (责任清单), service catalogue (政务服务事项) and the
// ordered history of changes made after the initial publication.
//
// The JSON follows SCHEMA.md in this folder. The legal bases cite real
// Chinese laws and regulations; the county, its documents (文号), offices
// and telephone numbers are fictional.
package demo

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"qingdan/data/lists"
)

//go:embed county.json
var county []byte

// County returns the embedded county.json. The slice is shared: callers
// must not modify it.
func County() []byte { return county }

// Dataset is the whole demo county.
type Dataset struct {
	InitialBasisDoc      string           `json:"initial_basis_doc"`
	InitialEffectiveFrom string           `json:"initial_effective_from"`
	Departments          []Department     `json:"departments"`
	Powers               []Power          `json:"powers"`
	Responsibilities     []Responsibility `json:"responsibilities"`
	Services             []Service        `json:"services"`
	History              []Change         `json:"history"`
}

// The dataset uses the list item types of package data.
type (
	Department     = lists.Department
	Boundary       = lists.Boundary
	Basis          = lists.Basis
	Fee            = lists.Fee
	Material       = lists.Material
	Step           = lists.Step
	Power          = lists.PowerItem
	Stage          = lists.Stage
	Responsibility = lists.Responsibility
	Service        = lists.ServiceItem
	Change         = lists.ListChange
)

// Load decodes the embedded dataset strictly: unknown fields and trailing
// data are errors.
func Load() (*Dataset, error) {
	return Decode(county)
}

// Decode decodes a dataset in the format of county.json strictly.
func Decode(data []byte) (*Dataset, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var d Dataset
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("demo: decoding county.json: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("demo: decoding county.json: trailing data after the top-level object")
	}
	return &d, nil
}
