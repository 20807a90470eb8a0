//! Events → node tree (work in progress).

use super::{Limits, Stream};

pub(super) fn parse(_text: &str, _limits: &Limits) -> Stream {
    Stream::default()
}
