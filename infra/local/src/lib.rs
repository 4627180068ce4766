//! The local platform.
pub mod site;
