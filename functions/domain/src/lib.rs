//! The MOments program's rules. No I/O: types that parse at the edge, the
//! application lifecycle, who may do what, and the messages we send.

pub mod access;
pub mod announcement;
pub mod application;
pub mod attention;
pub mod audit;
pub mod calendar;
pub mod catalogue;
pub mod checkin;
pub mod contact;
pub mod departments;
pub mod digest;
pub mod fields;
pub mod fit;
pub mod form;
pub mod goals;
pub(crate) mod ids;
pub mod kept;
pub mod kind;
pub mod mail;
pub mod matching;
pub mod mentorship;
pub mod metrics;
pub mod next_meeting;
pub mod notify;
pub mod reminders;
pub mod reports;
pub mod resources;
pub mod retention;
pub mod signin;
pub mod skills;
pub mod suggestions;
pub mod survey;
