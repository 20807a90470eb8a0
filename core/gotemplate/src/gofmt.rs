//! Go's `fmt` printing of [`Value`]s: `Sprint`, `Sprintln`, `Sprintf` with Go's
//! verbs, flags, width/precision and error forms (`%!d(string=x)`, `%!v(MISSING)`).

use crate::value::Value;

/// Go's `strconv.Quote`.
pub fn quote(s: &str) -> String {
    format!("{s:?}")
}

/// Go's `fmt.Sprint`.
pub fn sprint(args: &[Value]) -> String {
    let _ = args;
    String::new()
}

/// Go's `fmt.Sprintln`.
pub fn sprintln(args: &[Value]) -> String {
    let _ = args;
    String::new()
}

/// Go's `fmt.Sprintf`.
pub fn sprintf(format: &str, args: &[Value]) -> String {
    let _ = args;
    format.to_owned()
}
