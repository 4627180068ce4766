//! Adapters: implementations of the ports the functions use.

pub mod aws;
pub mod config;
pub mod deps;
pub mod http;
pub mod lambda;
pub mod mail;
pub mod oidc;
pub mod scheduler;
pub mod security;
pub mod store;
pub mod table;
