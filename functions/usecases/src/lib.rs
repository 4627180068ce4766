//! Use cases that more than one function carries out. A Lambda depends on
//! libraries only, never on another Lambda, so what a scheduled function
//! and an HTTP function both do lives here.

pub mod announcements;
pub mod calendar;
pub mod ended;
pub mod matching;
