//! API scenarios over HTTP against the local platform, one fresh platform
//! per test: each role, bad input, and forbidden actions.

mod announcements;
mod applications;
mod auth;
mod aws_side;
mod calendar;
mod care;
mod check_ins;
mod contacts;
mod credit;
mod csrf;
mod decisions;
mod digest;
mod faults;
mod goals;
mod helpers;
mod identity;
mod kinds;
mod limits;
mod mail_retry;
mod matching;
mod matrix;
mod mentorships;
mod next_meeting;
mod openapi;
mod permissions;
mod platform;
mod program_admins;
mod provider;
mod reminders;
mod reports;
mod resources;
mod retention;
mod security_log;
mod taking_part;
mod task_links;
