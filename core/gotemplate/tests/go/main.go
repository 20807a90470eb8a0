// Renders text/template cases for the differential test: reads a JSON array of
// {name, template, data, option} from stdin, writes one JSON object per case
// {out, err, parse_err} to stdout. Data is decoded with encoding/json into
// interface{}, as Helm's values are.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"text/template"
)

type testCase struct {
	Name     string          `json:"name"`
	Template string          `json:"template"`
	Data     json.RawMessage `json:"data"`
	Option   string          `json:"option"`
}

type result struct {
	Out      string `json:"out"`
	Err      string `json:"err"`
	ParseErr string `json:"parse_err"`
}

func run(c testCase) (r result) {
	defer func() {
		if p := recover(); p != nil {
			r.Err = fmt.Sprintf("PANIC: %v", p)
		}
	}()
	t := template.New(c.Name)
	if c.Option != "" {
		t.Option(c.Option)
	}
	if _, err := t.Parse(c.Template); err != nil {
		r.ParseErr = err.Error()
		return
	}
	var data any
	if len(c.Data) > 0 {
		if err := json.Unmarshal(c.Data, &data); err != nil {
			r.Err = "bad data: " + err.Error()
			return
		}
	}
	var sb strings.Builder
	err := t.Execute(&sb, data)
	r.Out = sb.String()
	if err != nil {
		r.Err = err.Error()
	}
	return
}

func main() {
	var cases []testCase
	if err := json.NewDecoder(bufio.NewReader(os.Stdin)).Decode(&cases); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	w := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, c := range cases {
		if err := enc.Encode(run(c)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	w.Flush()
}
