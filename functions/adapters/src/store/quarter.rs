//! The records of a match group (quarter), read through gsi3 for exports,
//! retention and audits; and the audit trails administrators look up.

use moments_domain::application::Application;
use moments_domain::audit::AuditEntry;
use moments_domain::mentorship::{Meeting, MentorshipId, MentorshipRequest, RequestId};
use moments_domain::metrics::Quarter;
use moments_domain::survey::SurveyResponse;
use serde_json::Value;

use super::mentorships::record_of;
use super::{MentorshipRecord, Store, StoreError, data_of, keys};

impl Store {
    pub async fn applications_in_quarter(
        &self,
        quarter: Quarter,
    ) -> Result<Vec<Application>, StoreError> {
        self.records_in_quarter(quarter, keys::APPS_IN_QUARTER)
            .await?
            .into_iter()
            .map(data_of)
            .collect()
    }

    pub async fn requests_in_quarter(
        &self,
        quarter: Quarter,
    ) -> Result<Vec<MentorshipRequest>, StoreError> {
        self.records_in_quarter(quarter, keys::REQUESTS_IN_QUARTER)
            .await?
            .into_iter()
            .map(data_of)
            .collect()
    }

    /// Mentorships matched in the quarter, with their totals.
    pub async fn mentorships_in_quarter(
        &self,
        quarter: Quarter,
    ) -> Result<Vec<MentorshipRecord>, StoreError> {
        self.records_in_quarter(quarter, keys::MENTORSHIPS_IN_QUARTER)
            .await?
            .into_iter()
            .map(record_of)
            .collect()
    }

    /// Meetings of the mentorships matched in the quarter, each with its
    /// mentorship's id.
    pub async fn meetings_in_quarter(
        &self,
        quarter: Quarter,
    ) -> Result<Vec<(MentorshipId, Meeting)>, StoreError> {
        self.records_in_quarter(quarter, keys::MEETINGS_IN_QUARTER)
            .await?
            .into_iter()
            .map(|item| {
                let id = item
                    .get("pk")
                    .and_then(Value::as_str)
                    .and_then(|pk| pk.strip_prefix("MS#"))
                    .and_then(|id| MentorshipId::parse(id).ok())
                    .ok_or_else(|| StoreError::Corrupt("meeting outside a mentorship".into()))?;
                Ok((id, data_of(item)?))
            })
            .collect()
    }

    /// Survey answers about the mentorships matched in the quarter.
    pub async fn surveys_in_quarter(
        &self,
        quarter: Quarter,
    ) -> Result<Vec<SurveyResponse>, StoreError> {
        self.records_in_quarter(quarter, keys::SURVEYS_IN_QUARTER)
            .await?
            .into_iter()
            .map(data_of)
            .collect()
    }

    pub async fn audit_of_request(&self, id: &RequestId) -> Result<Vec<AuditEntry>, StoreError> {
        self.audit_at(&keys::request(id.as_str()).pk).await
    }

    pub async fn audit_of_mentorship(
        &self,
        id: &MentorshipId,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        self.audit_at(&keys::mentorship(id.as_str()).pk).await
    }
}
