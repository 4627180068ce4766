//! The local platform: the site and every function on one port, with the
//! embedded store and the outbox standing in for DynamoDB and SES.

pub mod demo;
pub mod jobs_page;
pub mod outbox_page;
pub mod platform;
pub mod site;

pub use platform::{
    Adapters, LocalConfig, Platform, build, build_on, build_with, build_with_clock, site_dir,
    workspace_root,
};
