#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]
use regorus::{Engine, Value};

fn run(name: &str, v0: bool, rego: &str, rule: &str, input: &str) {
    let mut e = Engine::new();
    e.set_rego_v0(v0);
    match e.add_policy("p.rego".into(), rego.into()) {
        Err(err) => {
            println!("== {name}: PARSE ERROR: {err}");
            return;
        }
        Ok(_) => {}
    }
    e.set_input(Value::from_json_str(input).unwrap());
    match e.eval_rule(rule.into()) {
        Ok(v) => println!(
            "== {name}: {}",
            serde_json::to_string(&v).unwrap_or_default()
        ),
        Err(err) => println!("== {name}: EVAL ERROR: {err}"),
    }
}

fn main() {
    run(
        "chained",
        true,
        "package p\nviolation[x] { x := 1 } { x := 2 }\n",
        "data.p.violation",
        "{}",
    );
    run(
        "paren-line",
        true,
        "package p\nviolation[x] {\n  y := 1\n  (y + 1) == 2\n  x := y\n}\n",
        "data.p.violation",
        "{}",
    );
    run(
        "not-undefined-arg",
        true,
        "package p\nf(a) { a == 1 }\nviolation[x] { not f(input.missing); x := 1 }\n",
        "data.p.violation",
        "{}",
    );
    run(
        "sprintf-missing",
        true,
        "package p\nx := sprintf(\"%v and %v\", [1])\n",
        "data.p.x",
        "{}",
    );
    run(
        "sprintf-mistyped",
        true,
        "package p\nx := sprintf(\"%d\", [\"x\"])\n",
        "data.p.x",
        "{}",
    );
    run(
        "bodyless-v1",
        false,
        "package p\nf(\"a\", _)\nx if f(\"a\", 2)\n",
        "data.p.x",
        "{}",
    );
    run(
        "bodyless-v0",
        true,
        "package p\nf(\"a\", _)\nx { f(\"a\", 2) }\n",
        "data.p.x",
        "{}",
    );
    run(
        "re_match",
        true,
        "package p\nx { re_match(\"^a\", \"abc\") }\n",
        "data.p.x",
        "{}",
    );
    run(
        "any",
        true,
        "package p\nx { any([false, true]) }\n",
        "data.p.x",
        "{}",
    );
    run(
        "set_diff",
        true,
        "package p\nx := set_diff({1,2},{1})\n",
        "data.p.x",
        "{}",
    );
    run(
        "cast_array",
        true,
        "package p\nx := cast_array({1})\n",
        "data.p.x",
        "{}",
    );
    run(
        "cidr_overlap",
        true,
        "package p\nx := net.cidr_overlap(\"10.0.0.0/8\", \"10.1.0.0/16\")\n",
        "data.p.x",
        "{}",
    );
    run(
        "import-rego-v1-in-v0",
        true,
        "package p\nimport rego.v1\nx if true\n",
        "data.p.x",
        "{}",
    );
    run(
        "undefined-fn-arg-positive",
        true,
        "package p\nf(a) { a == 1 }\nviolation[x] { f(input.missing); x := 1 }\n",
        "data.p.violation",
        "{}",
    );
    run(
        "strings.any_prefix_match",
        true,
        "package p\nx { strings.any_prefix_match(\"abc\", [\"a\"]) }\n",
        "data.p.x",
        "{}",
    );
    run(
        "not-undefined-builtin",
        true,
        "package p\nviolation[x] { not startswith(input.missing, \"a\"); x := 1 }\n",
        "data.p.violation",
        "{}",
    );
    run(
        "http.send",
        true,
        "package p\nx := http.send({\"method\":\"get\",\"url\":\"http://x\"})\n",
        "data.p.x",
        "{}",
    );
    run(
        "sprintf-extra",
        true,
        "package p\nx := sprintf(\"%v\", [1, 2])\n",
        "data.p.x",
        "{}",
    );
    run(
        "sprintf-s-int",
        true,
        "package p\nx := sprintf(\"%s|%d|%v|%.2f|%x\", [1, \"a\", {\"a\":[1]}, 1.5, 255])\n",
        "data.p.x",
        "{}",
    );
    run(
        "builtin-error",
        true,
        "package p\nviolation[{\"msg\": x}] { x := sprintf(\"%v\", 1) }\n",
        "data.p.violation",
        "{}",
    );
    run(
        "to_number-bad",
        true,
        "package p\nviolation[{\"msg\": \"m\"}] { to_number(\"abc\") > 1 }\n",
        "data.p.violation",
        "{}",
    );
}
