//! The MOments program's rules. No I/O: types that parse at the edge, the
//! application lifecycle, who may do what, and the messages we send.

pub mod access;
pub mod application;
pub mod audit;
pub mod catalogue;
pub mod fields;
pub mod mail;
pub mod notify;
pub mod signin;
