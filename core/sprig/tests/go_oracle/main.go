// Differential oracle for stockade-sprig's Go-semantics modules: reads JSON
// cases on stdin, answers with what Go's standard library computes. Only the
// standard library: it builds offline.
package main

import (
	"encoding/base32"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"
)

type Case struct {
	Op   string   `json:"op"`
	Args []string `json:"args"`
	Ints []int64  `json:"ints"`
	F    float64  `json:"f"`
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return "ERR:" + err.Error()
}

func run(c Case) (out string) {
	defer func() {
		if r := recover(); r != nil {
			out = fmt.Sprintf("PANIC:%v", r)
		}
	}()
	switch c.Op {
	case "regex.compile":
		_, err := regexp.Compile(c.Args[0])
		return errText(err)
	case "regex.match":
		re, err := regexp.Compile(c.Args[0])
		if err != nil {
			return errText(err)
		}
		return strconv.FormatBool(re.MatchString(c.Args[1]))
	case "regex.findall":
		re, err := regexp.Compile(c.Args[0])
		if err != nil {
			return errText(err)
		}
		b, _ := json.Marshal(re.FindAllString(c.Args[1], int(c.Ints[0])))
		return string(b)
	case "regex.split":
		re, err := regexp.Compile(c.Args[0])
		if err != nil {
			return errText(err)
		}
		b, _ := json.Marshal(re.Split(c.Args[1], int(c.Ints[0])))
		return string(b)
	case "regex.replace":
		re, err := regexp.Compile(c.Args[0])
		if err != nil {
			return errText(err)
		}
		return re.ReplaceAllString(c.Args[1], c.Args[2])
	case "regex.replaceLiteral":
		re, err := regexp.Compile(c.Args[0])
		if err != nil {
			return errText(err)
		}
		return re.ReplaceAllLiteralString(c.Args[1], c.Args[2])
	case "regex.quote":
		return regexp.QuoteMeta(c.Args[0])
	case "time.format":
		t := time.Unix(c.Ints[0], c.Ints[1]).UTC()
		return t.Format(c.Args[0])
	case "time.parse":
		t, err := time.ParseInLocation(c.Args[0], c.Args[1], time.UTC)
		if err != nil {
			return errText(err)
		}
		return fmt.Sprintf("%d %d %s", t.Unix(), t.Nanosecond(), t.Format("-07:00:00 MST"))
	case "time.string":
		return time.Unix(c.Ints[0], c.Ints[1]).UTC().String()
	case "duration.string":
		return time.Duration(c.Ints[0]).String()
	case "duration.parse":
		d, err := time.ParseDuration(c.Args[0])
		if err != nil {
			return errText(err)
		}
		return strconv.FormatInt(int64(d), 10)
	case "parseint0":
		v, err := strconv.ParseInt(c.Args[0], 0, 64)
		if err != nil {
			return "ERR"
		}
		return strconv.FormatInt(v, 10)
	case "json.float":
		b, err := json.Marshal(c.F)
		if err != nil {
			return errText(err)
		}
		return string(b)
	case "json.string":
		b, _ := json.Marshal(c.Args[0])
		return string(b)
	case "url":
		u, err := url.Parse(c.Args[0])
		if err != nil {
			return errText(err)
		}
		user := ""
		if u.User != nil {
			user = u.User.String()
		}
		return strings.Join([]string{u.Scheme, u.Opaque, user, u.Host, u.Hostname(), u.Path, u.RawQuery, u.Fragment, u.String()}, "|")
	case "path":
		return strings.Join([]string{path.Base(c.Args[0]), path.Dir(c.Args[0]), path.Clean(c.Args[0]), path.Ext(c.Args[0]), strconv.FormatBool(path.IsAbs(c.Args[0]))}, "|")
	case "upper":
		return strings.ToUpper(c.Args[0])
	case "lower":
		return strings.ToLower(c.Args[0])
	case "trim":
		return strings.TrimSpace(c.Args[0])
	case "title":
		return strings.Title(c.Args[0])
	case "expand":
		return os.Expand(c.Args[0], func(k string) string { return "<" + k + ">" })
	case "b64dec":
		b, err := base64.StdEncoding.DecodeString(c.Args[0])
		if err != nil {
			return errText(err)
		}
		return string(b)
	case "b32dec":
		b, err := base32.StdEncoding.DecodeString(c.Args[0])
		if err != nil {
			return errText(err)
		}
		return string(b)
	case "quote":
		return strconv.Quote(c.Args[0])
	}
	return "UNKNOWN OP " + c.Op
}

func main() {
	var cases []Case
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	out := make([]string, len(cases))
	for i, c := range cases {
		out[i] = run(c)
	}
	json.NewEncoder(os.Stdout).Encode(out)
}
