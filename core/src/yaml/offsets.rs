//! Char index → byte offset conversion (work in progress).
