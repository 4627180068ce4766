//! The table on DynamoDB. Conditions and updates are rendered to expressions
//! with placeholders only, so attribute names and values never meet the
//! expression grammar.

use std::collections::HashMap;
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::client::Waiters;
use aws_sdk_dynamodb::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, ConditionCheck, Delete, GlobalSecondaryIndex,
    KeySchemaElement, KeyType, KeysAndAttributes, Projection, ProjectionType, Put,
    ScalarAttributeType, TimeToLiveSpecification, TransactWriteItem, Update,
};
use serde_json::Value;

use super::embedded::{
    cond_of, key_item, normalize_item, validate_batch, validate_key, validate_keys, validate_query,
};
use super::{Cond, Index, Item, Key, PK, Page, Query, SK, Table, TableError, Write};

type Attributes = HashMap<String, AttributeValue>;
type HttpResponse = aws_sdk_dynamodb::config::http::HttpResponse;

/// The attribute DynamoDB's TTL deletes expired items by (epoch seconds).
pub const TTL_ATTRIBUTE: &str = "expires_at";

pub struct DynamoTable {
    client: Client,
    table_name: String,
}

impl DynamoTable {
    pub fn new(client: Client, table_name: impl Into<String>) -> Self {
        DynamoTable {
            client,
            table_name: table_name.into(),
        }
    }
}

#[async_trait]
impl Table for DynamoTable {
    async fn get(&self, key: &Key) -> Result<Option<Item>, TableError> {
        validate_key(key)?;
        let output = self
            .client
            .get_item()
            .table_name(&self.table_name)
            .set_key(Some(key_attributes(key)))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| service_error(e, 0))?;
        output.item.map(from_attributes).transpose()
    }

    async fn get_many(&self, keys: &[Key]) -> Result<Vec<Item>, TableError> {
        validate_keys(keys)?;
        let mut wanted: Vec<Attributes> = keys.iter().map(key_attributes).collect();
        let mut found = Vec::with_capacity(keys.len());
        // DynamoDB may answer part of a batch and hand back the rest as
        // `UnprocessedKeys` (throughput, or its 16 MB answer limit): ask
        // again for those, pausing a little longer each time.
        for attempt in 0..=UNPROCESSED_RETRIES {
            if attempt > 0 {
                tokio::time::sleep(super::backoff(attempt)).await;
            }
            let request = KeysAndAttributes::builder()
                .set_keys(Some(std::mem::take(&mut wanted)))
                .consistent_read(true)
                .build()
                .map_err(build_error)?;
            let output = self
                .client
                .batch_get_item()
                .request_items(&self.table_name, request)
                .send()
                .await
                .map_err(|e| service_error(e, 0))?;
            if let Some(mut answered) = output.responses {
                for item in answered.remove(&self.table_name).unwrap_or_default() {
                    found.push(from_attributes(item)?);
                }
            }
            wanted = output
                .unprocessed_keys
                .and_then(|mut rest| rest.remove(&self.table_name))
                .map(|rest| rest.keys)
                .unwrap_or_default();
            if wanted.is_empty() {
                return Ok(found);
            }
        }
        Err(TableError::Unavailable(format!(
            "{} keys of a batch read were still unprocessed",
            wanted.len()
        )))
    }

    async fn query(&self, query: &Query) -> Result<Page, TableError> {
        validate_query(query)?;
        let (pk_attr, sk_attr) = query.index.key_attributes();
        let mut expr = Expressions::default();
        let mut key_condition = format!(
            "{} = {}",
            expr.name(pk_attr),
            expr.value(&Value::from(query.pk.clone()))?
        );
        if let Some(prefix) = query.sk_prefix.as_deref().filter(|p| !p.is_empty()) {
            key_condition.push_str(&format!(
                " AND begins_with({}, {})",
                expr.name(sk_attr),
                expr.value(&Value::from(prefix))?
            ));
        }
        if let Some(from) = query.sk_from.as_deref() {
            key_condition.push_str(&format!(
                " AND {} >= {}",
                expr.name(sk_attr),
                expr.value(&Value::from(from))?
            ));
        }
        // Ask for one item more than the page, so `next` is set only when more
        // items exist (DynamoDB and moto differ on a page ending at the limit).
        let fetch = query
            .limit
            .map(|l| i32::try_from(u64::from(l) + 1).unwrap_or(i32::MAX));
        let start = match &query.start {
            Some(start) => Some(to_attributes(&key_item(query.index, start))?),
            None => None,
        };
        let output = self
            .client
            .query()
            .table_name(&self.table_name)
            .set_index_name(query.index.name().map(str::to_owned))
            .key_condition_expression(key_condition)
            .set_expression_attribute_names(Some(expr.names))
            .set_expression_attribute_values(Some(expr.values))
            .scan_index_forward(query.forward)
            .set_limit(fetch)
            .set_exclusive_start_key(start)
            // Global indexes are only eventually consistent; the table can do better.
            .consistent_read(query.index == Index::Primary && !query.eventual)
            .send()
            .await
            .map_err(|e| service_error(e, 0))?;
        let mut items = output
            .items
            .unwrap_or_default()
            .into_iter()
            .map(from_attributes)
            .collect::<Result<Vec<_>, _>>()?;
        let next = match query.limit.map(|l| l as usize) {
            Some(limit) if items.len() > limit => {
                items.truncate(limit);
                items.last().map(|last| key_item(query.index, last))
            }
            // Cut short by DynamoDB's 1 MB page size: there may be more.
            _ => output.last_evaluated_key.map(from_attributes).transpose()?,
        };
        Ok(Page { items, next })
    }

    async fn write(&self, writes: Vec<Write>) -> Result<(), TableError> {
        validate_batch(&writes)?;
        match <[Write; 1]>::try_from(writes) {
            Ok([write]) => self.write_one(write).await,
            // Counters shared by a department and quarter make meetings
            // of transactions likelier than they would be otherwise.
            Err(writes) => super::retry_conflicts(|| self.transact(writes.clone())).await,
        }
    }
}

/// How many times the unprocessed rest of a batch read is asked for again.
const UNPROCESSED_RETRIES: u32 = 5;

impl DynamoTable {
    async fn write_one(&self, write: Write) -> Result<(), TableError> {
        let mut expr = Expressions::default();
        let condition = expr.condition(cond_of(&write))?;
        let table = &self.table_name;
        match write {
            Write::Put { item, .. } => self
                .client
                .put_item()
                .table_name(table)
                .set_item(Some(to_attributes(&item)?))
                .set_condition_expression(condition)
                .set_expression_attribute_names(expr.names())
                .set_expression_attribute_values(expr.values())
                .send()
                .await
                .map(drop)
                .map_err(|e| service_error(e, 0)),
            Write::Update {
                key,
                set,
                add,
                remove,
                ..
            } => {
                let update = expr.update(&set, &add, &remove)?;
                self.client
                    .update_item()
                    .table_name(table)
                    .set_key(Some(key_attributes(&key)))
                    .update_expression(update)
                    .set_condition_expression(condition)
                    .set_expression_attribute_names(expr.names())
                    .set_expression_attribute_values(expr.values())
                    .send()
                    .await
                    .map(drop)
                    .map_err(|e| service_error(e, 0))
            }
            Write::Delete { key, .. } => self
                .client
                .delete_item()
                .table_name(table)
                .set_key(Some(key_attributes(&key)))
                .set_condition_expression(condition)
                .set_expression_attribute_names(expr.names())
                .set_expression_attribute_values(expr.values())
                .send()
                .await
                .map(drop)
                .map_err(|e| service_error(e, 0)),
            // There is no single-item condition check outside a transaction.
            check @ Write::Check { .. } => self.transact(vec![check]).await,
        }
    }

    async fn transact(&self, writes: Vec<Write>) -> Result<(), TableError> {
        let items = writes
            .into_iter()
            .map(|w| self.transact_item(w))
            .collect::<Result<Vec<_>, _>>()?;
        self.client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await
            .map(drop)
            .map_err(transaction_error)
    }

    fn transact_item(&self, write: Write) -> Result<TransactWriteItem, TableError> {
        let mut expr = Expressions::default();
        let condition = expr.condition(cond_of(&write))?;
        let table = self.table_name.clone();
        let item = match write {
            Write::Put { item, .. } => TransactWriteItem::builder().put(
                Put::builder()
                    .table_name(table)
                    .set_item(Some(to_attributes(&item)?))
                    .set_condition_expression(condition)
                    .set_expression_attribute_names(expr.names())
                    .set_expression_attribute_values(expr.values())
                    .build()
                    .map_err(build_error)?,
            ),
            Write::Update {
                key,
                set,
                add,
                remove,
                ..
            } => {
                let update = expr.update(&set, &add, &remove)?;
                TransactWriteItem::builder().update(
                    Update::builder()
                        .table_name(table)
                        .set_key(Some(key_attributes(&key)))
                        .update_expression(update)
                        .set_condition_expression(condition)
                        .set_expression_attribute_names(expr.names())
                        .set_expression_attribute_values(expr.values())
                        .build()
                        .map_err(build_error)?,
                )
            }
            Write::Delete { key, .. } => TransactWriteItem::builder().delete(
                Delete::builder()
                    .table_name(table)
                    .set_key(Some(key_attributes(&key)))
                    .set_condition_expression(condition)
                    .set_expression_attribute_names(expr.names())
                    .set_expression_attribute_values(expr.values())
                    .build()
                    .map_err(build_error)?,
            ),
            Write::Check { key, .. } => TransactWriteItem::builder().condition_check(
                ConditionCheck::builder()
                    .table_name(table)
                    .set_key(Some(key_attributes(&key)))
                    .set_condition_expression(condition)
                    .set_expression_attribute_names(expr.names())
                    .set_expression_attribute_values(expr.values())
                    .build()
                    .map_err(build_error)?,
            ),
        };
        Ok(item.build())
    }
}

/// Creates the table as production has it (see `template.yaml`): string keys
/// `pk`/`sk`, `gsi1` and `gsi2` projecting all attributes, on-demand billing,
/// TTL on `expires_at`. For tests and local tooling; production's table comes
/// from the SAM template.
pub async fn create_table(client: &Client, name: &str) -> Result<(), TableError> {
    let key = |attribute: &str, key_type: KeyType| {
        KeySchemaElement::builder()
            .attribute_name(attribute)
            .key_type(key_type)
            .build()
            .map_err(build_error)
    };
    let mut definitions = Vec::new();
    let mut indexes = Vec::new();
    for index in Index::ALL {
        let (pk, sk) = index.key_attributes();
        for attribute in [pk, sk] {
            definitions.push(
                AttributeDefinition::builder()
                    .attribute_name(attribute)
                    .attribute_type(ScalarAttributeType::S)
                    .build()
                    .map_err(build_error)?,
            );
        }
        if let Some(index_name) = index.name() {
            indexes.push(
                GlobalSecondaryIndex::builder()
                    .index_name(index_name)
                    .key_schema(key(pk, KeyType::Hash)?)
                    .key_schema(key(sk, KeyType::Range)?)
                    .projection(
                        Projection::builder()
                            .projection_type(ProjectionType::All)
                            .build(),
                    )
                    .build()
                    .map_err(build_error)?,
            );
        }
    }
    client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .set_attribute_definitions(Some(definitions))
        .key_schema(key(PK, KeyType::Hash)?)
        .key_schema(key(SK, KeyType::Range)?)
        .set_global_secondary_indexes(Some(indexes))
        .send()
        .await
        .map_err(|e| service_error(e, 0))?;
    client
        .wait_until_table_exists()
        .table_name(name)
        .wait(Duration::from_secs(300))
        .await
        .map_err(|e| TableError::Unavailable(DisplayErrorContext(e).to_string()))?;
    client
        .update_time_to_live()
        .table_name(name)
        .time_to_live_specification(
            TimeToLiveSpecification::builder()
                .attribute_name(TTL_ATTRIBUTE)
                .enabled(true)
                .build()
                .map_err(build_error)?,
        )
        .send()
        .await
        .map_err(|e| service_error(e, 0))?;
    Ok(())
}

/// Placeholders (`#n0`, `:v0`) for one request's expressions.
#[derive(Default)]
struct Expressions {
    names: HashMap<String, String>,
    values: Attributes,
}

impl Expressions {
    fn name(&mut self, attribute: &str) -> String {
        if let Some((placeholder, _)) = self.names.iter().find(|(_, a)| *a == attribute) {
            return placeholder.clone();
        }
        let placeholder = format!("#n{}", self.names.len());
        self.names.insert(placeholder.clone(), attribute.to_owned());
        placeholder
    }

    fn value(&mut self, value: &Value) -> Result<String, TableError> {
        let placeholder = format!(":v{}", self.values.len());
        self.values.insert(placeholder.clone(), to_value(value)?);
        Ok(placeholder)
    }

    /// DynamoDB refuses empty placeholder maps, so absent means none.
    fn names(&mut self) -> Option<HashMap<String, String>> {
        (!self.names.is_empty()).then(|| std::mem::take(&mut self.names))
    }

    fn values(&mut self) -> Option<Attributes> {
        (!self.values.is_empty()).then(|| std::mem::take(&mut self.values))
    }

    fn condition(&mut self, cond: Option<&Cond>) -> Result<Option<String>, TableError> {
        cond.map(|c| self.render(c)).transpose()
    }

    fn render(&mut self, cond: &Cond) -> Result<String, TableError> {
        Ok(match cond {
            Cond::Exists => format!("attribute_exists({})", self.name(PK)),
            Cond::NotExists => format!("attribute_not_exists({})", self.name(PK)),
            // "Is NULL" as a type test: an absent attribute is not NULL, and
            // moto would otherwise treat it as equal.
            Cond::Eq(name, Value::Null) => self.is_type(name, "NULL")?,
            Cond::Ne(name, Value::Null) => format!("NOT {}", self.is_type(name, "NULL")?),
            Cond::Eq(name, value) => format!("{} = {}", self.name(name), self.value(value)?),
            Cond::Ne(name, value) => format!("{} <> {}", self.name(name), self.value(value)?),
            // The type test first: values of different types are never ordered,
            // which DynamoDB gives anyway and moto only with this guard.
            Cond::Lt(name, value) => self.ordered(name, "<", value)?,
            Cond::Gt(name, value) => self.ordered(name, ">", value)?,
            Cond::And(conds) if conds.is_empty() => {
                // The expression grammar has no `true`; this always holds.
                let pk = self.name(PK);
                format!("(attribute_exists({pk}) OR attribute_not_exists({pk}))")
            }
            // AND is associative: nested conjunctions are flattened, and a
            // part that renders parenthesised already is not wrapped again
            // (DynamoDB refuses redundant parentheses).
            Cond::And(conds) => {
                let mut parts = Vec::new();
                for c in flatten(conds) {
                    let rendered = self.render(c)?;
                    parts.push(match c {
                        Cond::Lt(..) | Cond::Gt(..) | Cond::And(_) => rendered,
                        _ => format!("({rendered})"),
                    });
                }
                parts.join(" AND ")
            }
            Cond::Or(conds) if conds.is_empty() => {
                return Err(TableError::Invalid("an OR condition needs a part".into()));
            }
            // Each part parenthesised unless it renders so already; nested
            // disjunctions are flattened like conjunctions.
            Cond::Or(conds) => {
                let mut parts = Vec::new();
                for c in flatten_or(conds) {
                    let rendered = self.render(c)?;
                    parts.push(match c {
                        Cond::Lt(..) | Cond::Gt(..) => rendered,
                        Cond::And(inner) if inner.is_empty() => rendered,
                        _ => format!("({rendered})"),
                    });
                }
                parts.join(" OR ")
            }
        })
    }

    fn is_type(&mut self, name: &str, dynamo_type: &str) -> Result<String, TableError> {
        Ok(format!(
            "attribute_type({}, {})",
            self.name(name),
            self.value(&Value::from(dynamo_type))?
        ))
    }

    fn ordered(&mut self, name: &str, operator: &str, value: &Value) -> Result<String, TableError> {
        let dynamo_type = if value.is_number() { "N" } else { "S" };
        Ok(format!(
            "({} AND {} {operator} {})",
            self.is_type(name, dynamo_type)?,
            self.name(name),
            self.value(value)?
        ))
    }

    fn update(
        &mut self,
        set: &[(String, Value)],
        add: &[(String, i64)],
        remove: &[String],
    ) -> Result<String, TableError> {
        let mut clauses = Vec::new();
        if !set.is_empty() {
            let parts = set
                .iter()
                .map(|(name, value)| Ok(format!("{} = {}", self.name(name), self.value(value)?)))
                .collect::<Result<Vec<_>, TableError>>()?;
            clauses.push(format!("SET {}", parts.join(", ")));
        }
        if !add.is_empty() {
            let parts = add
                .iter()
                .map(|(name, delta)| {
                    Ok(format!(
                        "{} {}",
                        self.name(name),
                        self.value(&Value::from(*delta))?
                    ))
                })
                .collect::<Result<Vec<_>, TableError>>()?;
            clauses.push(format!("ADD {}", parts.join(", ")));
        }
        if !remove.is_empty() {
            let parts: Vec<String> = remove.iter().map(|name| self.name(name)).collect();
            clauses.push(format!("REMOVE {}", parts.join(", ")));
        }
        Ok(clauses.join(" "))
    }
}

fn key_attributes(key: &Key) -> Attributes {
    HashMap::from([
        (PK.to_owned(), AttributeValue::S(key.pk.clone())),
        (SK.to_owned(), AttributeValue::S(key.sk.clone())),
    ])
}

fn to_value(value: &Value) -> Result<AttributeValue, TableError> {
    serde_dynamo::to_attribute_value(value)
        .map_err(|e| TableError::Invalid(format!("value not storable: {e}")))
}

fn to_attributes(item: &Item) -> Result<Attributes, TableError> {
    serde_dynamo::to_item(item).map_err(|e| TableError::Invalid(format!("item not storable: {e}")))
}

fn from_attributes(attributes: Attributes) -> Result<Item, TableError> {
    serde_dynamo::from_item::<_, Item>(attributes)
        .map(normalize_item)
        .map_err(|e| TableError::Other(format!("stored item unreadable: {e}")))
}

fn build_error(e: aws_sdk_dynamodb::error::BuildError) -> TableError {
    TableError::Other(format!("request not buildable: {e}"))
}

/// Maps an SDK error; `index` is the batch position a failed condition names.
fn service_error<E>(err: SdkError<E, HttpResponse>, index: usize) -> TableError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let status = match &err {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => {
            return TableError::Unavailable(DisplayErrorContext(&err).to_string());
        }
        SdkError::ServiceError(context) => context.raw().status().as_u16(),
        _ => return TableError::Other(DisplayErrorContext(&err).to_string()),
    };
    let describe = || {
        format!(
            "{}: {}",
            err.code().unwrap_or("unknown"),
            err.message().unwrap_or("no message")
        )
    };
    match err.code() {
        Some("ConditionalCheckFailedException") => TableError::ConditionFailed { index },
        Some("TransactionConflictException") => TableError::Conflict,
        Some(
            "ProvisionedThroughputExceededException"
            | "ThrottlingException"
            | "RequestLimitExceeded"
            | "LimitExceededException"
            | "InternalServerError"
            | "ServiceUnavailable"
            | "TransactionInProgressException",
        ) => TableError::Unavailable(describe()),
        Some("ValidationException" | "SerializationException") => TableError::Invalid(describe()),
        _ if status >= 500 => TableError::Unavailable(describe()),
        _ => TableError::Other(describe()),
    }
}

fn transaction_error(err: SdkError<TransactWriteItemsError, HttpResponse>) -> TableError {
    let Some(TransactWriteItemsError::TransactionCanceledException(canceled)) =
        err.as_service_error()
    else {
        return service_error(err, 0);
    };
    let reasons = canceled.cancellation_reasons();
    let has = |code: &str| reasons.iter().any(|r| r.code() == Some(code));
    if let Some(index) = reasons
        .iter()
        .position(|r| r.code() == Some("ConditionalCheckFailed"))
    {
        return TableError::ConditionFailed { index };
    }
    let described = || {
        reasons
            .iter()
            .enumerate()
            .filter(|(_, r)| r.code().is_some_and(|c| c != "None"))
            .map(|(i, r)| {
                format!(
                    "write {i}: {}: {}",
                    r.code().unwrap_or_default(),
                    r.message().unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    if has("TransactionConflict") {
        TableError::Conflict
    } else if has("ThrottlingError") || has("ProvisionedThroughputExceeded") {
        TableError::Unavailable(described())
    } else if has("ValidationError") {
        TableError::Invalid(described())
    } else {
        TableError::Other(format!("transaction canceled: {}", described()))
    }
}

/// The parts of nested disjunctions.
fn flatten_or(conds: &[Cond]) -> Vec<&Cond> {
    let mut out = Vec::new();
    for c in conds {
        match c {
            Cond::Or(inner) => out.extend(flatten_or(inner)),
            other => out.push(other),
        }
    }
    out
}

/// The leaves of nested conjunctions; an empty `And` (always true) is kept.
fn flatten(conds: &[Cond]) -> Vec<&Cond> {
    let mut out = Vec::new();
    for c in conds {
        match c {
            Cond::And(inner) if !inner.is_empty() => out.extend(flatten(inner)),
            other => out.push(other),
        }
    }
    out
}
