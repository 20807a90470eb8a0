//! Comment scanner (work in progress).
