//! Sprig v3 (Masterminds/sprig 3.3.0, the version Helm pins) for Stockade's Go
//! `text/template` engine ([`stockade_gotemplate`]).
//!
//! - [`funcs`]: `sprig.TxtFuncMap()` — every name, aliases and `must*` forms.
//! - [`helm_base_funcs`]: the same minus `env` and `expandenv`, which Helm removes
//!   (Helm's own functions are added by the Helm layer on top).
//! - [`hermetic_funcs`]: `sprig.HermeticTxtFuncMap()` (no clock, randomness, environment).
//!
//! Every function declares Go's parameter types, so the engine converts and
//! rejects arguments exactly as Go's `text/template` does, and returns Sprig's
//! result types (`[]string`, `int64`, `map[string]interface {}`, …), so printing
//! and later calls see what they would in Go. Functions that panic in Go end the
//! template with the panic's text, as Go's executor reports it.
//!
//! The Value-independent pieces are modules of their own: [`gotime`] (Go time
//! layouts and durations), [`semver`] (Masterminds/semver v3 constraints),
//! [`goregex`] (Go `regexp` on the `regex` crate), [`text`] (goutils and xstrings),
//! [`paths`], [`url`] (Go `net/url`), [`json`] (Go `encoding/json`), [`decimal`]
//! (shopspring/decimal arithmetic for the float functions), [`cast`] (spf13/cast),
//! [`crypto`].
//!
//! See `docs/helm-functions.md` for the list of functions, which ones are random
//! or read the clock (and the shape of what they produce), and what differs.

pub mod cast;
mod cert;
pub mod crypto;
pub mod decimal;
mod funcs;
pub mod goregex;
pub mod gotime;
pub mod json;
pub mod paths;
mod prime;
pub mod semver;
pub mod text;
pub mod url;

pub use cert::scan_key_funcs;

/// Bytes a function may build for one step of the execution's step budget
/// (50,000,000 steps by default: at most about 200 MB built by one execution,
/// however it is kept, a dict of thousands of `repeat` results included).
pub const BYTES_PER_STEP: usize = 4;

/// Steps a function is charged for each list element or map entry it builds
/// (an element is a value of 32 bytes or more: 8 steps at [`BYTES_PER_STEP`]).
pub const STEPS_PER_ELEMENT: u64 = 8;

/// The steps of building `n` elements.
pub(crate) fn element_steps(n: usize) -> u64 {
    u64::try_from(n)
        .unwrap_or(u64::MAX)
        .saturating_mul(STEPS_PER_ELEMENT)
}
pub use funcs::{
    funcs, helm_base_funcs, hermetic_funcs, TimeValue, VersionValue, HELM_REMOVED, NON_HERMETIC,
};

/// Go's `strconv.Quote`.
pub fn go_quote(s: &str) -> String {
    stockade_source::go::go_quote(s)
}
