//! template.yaml read the way CloudFormation reads it: YAML short forms
//! (`!Ref`, `!GetAtt`, `!Sub`, ...) become their long JSON forms, and
//! `Fn::ForEach` blocks in `Resources` are expanded, so the checks look at
//! the resources that will exist.

use std::collections::{BTreeMap, BTreeSet};

use saphyr::{LoadableYamlNode, Scalar, Yaml};
use serde_json::{Map, Value, json};

/// The template as JSON, with `Fn::ForEach` in `Resources` expanded.
pub fn parse(text: &str) -> Result<Value, String> {
    let docs = Yaml::load_from_str(text).map_err(|e| format!("template.yaml: {e}"))?;
    let [doc] = docs.as_slice() else {
        return Err(format!(
            "template.yaml: expected one YAML document, found {}",
            docs.len()
        ));
    };
    let mut template = to_json(doc)?;
    if let Some(resources) = template.get_mut("Resources") {
        *resources = expand_for_each(resources)?;
    }
    Ok(template)
}

fn to_json(node: &Yaml) -> Result<Value, String> {
    Ok(match node {
        Yaml::Value(scalar) => scalar_json(scalar),
        Yaml::Sequence(items) => Value::Array(items.iter().map(to_json).collect::<Result<_, _>>()?),
        Yaml::Mapping(map) => {
            let mut out = Map::new();
            for (key, value) in map {
                let key = match key {
                    Yaml::Value(Scalar::String(s)) => s.to_string(),
                    Yaml::Value(other) => scalar_json(other).to_string(),
                    other => return Err(format!("unsupported mapping key {other:?}")),
                };
                out.insert(key, to_json(value)?);
            }
            Value::Object(out)
        }
        Yaml::Tagged(tag, inner) if tag.handle == "!" => intrinsic(&tag.suffix, to_json(inner)?),
        Yaml::Tagged(_, inner) => to_json(inner)?,
        other => return Err(format!("unsupported YAML node {other:?}")),
    })
}

fn scalar_json(scalar: &Scalar) -> Value {
    match scalar {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => json!(b),
        Scalar::Integer(i) => json!(i),
        Scalar::FloatingPoint(f) => json!(f.into_inner()),
        Scalar::String(s) => json!(s),
    }
}

/// `!Ref X` is `{"Ref": "X"}`, `!GetAtt A.B` is `{"Fn::GetAtt": ["A", "B"]}`,
/// `!Condition C` is `{"Condition": "C"}`, any other `!Name v` is `{"Fn::Name": v}`.
fn intrinsic(name: &str, value: Value) -> Value {
    match (name, value) {
        ("Ref", v) => json!({ "Ref": v }),
        ("Condition", v) => json!({ "Condition": v }),
        ("GetAtt", Value::String(s)) => {
            let (resource, attribute) = s.split_once('.').unwrap_or((&s, ""));
            json!({ "Fn::GetAtt": [resource, attribute] })
        }
        (other, v) => json!({ format!("Fn::{other}"): v }),
    }
}

/// Expands `Fn::ForEach::<loop>: [Identifier, [items...], {fragment}]`: each
/// item's copy of the fragment has `${Identifier}` replaced in keys and
/// strings, and `{"Ref": "Identifier"}` replaced by the item.
fn expand_for_each(resources: &Value) -> Result<Value, String> {
    let Value::Object(resources) = resources else {
        return Err("Resources is not a mapping".into());
    };
    let mut out = Map::new();
    for (key, value) in resources {
        if !key.starts_with("Fn::ForEach::") {
            out.insert(key.clone(), value.clone());
            continue;
        }
        let (identifier, items, fragment) = match value.as_array().map(Vec::as_slice) {
            Some(
                [
                    Value::String(id),
                    Value::Array(items),
                    Value::Object(fragment),
                ],
            ) => (id, items, fragment),
            _ => {
                return Err(format!(
                    "{key}: expected [Identifier, [literal items], {{fragment}}]"
                ));
            }
        };
        for item in items {
            let Value::String(item) = item else {
                return Err(format!("{key}: only literal string items are supported"));
            };
            for (name, resource) in fragment {
                let name = substitute(name, identifier, item);
                if out
                    .insert(name.clone(), replace(resource, identifier, item))
                    .is_some()
                {
                    return Err(format!("{key}: {name} is declared twice"));
                }
            }
        }
    }
    Ok(Value::Object(out))
}

fn substitute(text: &str, identifier: &str, item: &str) -> String {
    text.replace(&format!("${{{identifier}}}"), item)
}

fn replace(value: &Value, identifier: &str, item: &str) -> Value {
    match value {
        Value::String(s) => Value::String(substitute(s, identifier, item)),
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| replace(v, identifier, item)).collect())
        }
        Value::Object(map) if map.len() == 1 && map.get("Ref") == Some(&json!(identifier)) => {
            json!(item)
        }
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    (
                        substitute(k, identifier, item),
                        replace(v, identifier, item),
                    )
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// A Lambda function of the template.
#[derive(Debug)]
pub struct Function {
    pub logical_id: String,
    /// `Metadata.BuildProperties.Binary`: the workspace binary cargo-lambda builds.
    pub binary: Option<String>,
    pub build_method: Option<String>,
    pub properties: Value,
    pub routes: Vec<Route>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Route {
    pub method: String,
    pub path: String,
}

impl std::fmt::Display for Route {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

/// Something that starts a function on a timetable or on an event other than
/// an HTTP request: a function's `Schedule`/`ScheduleV2`/other event, or an
/// `AWS::Scheduler::Schedule` or `AWS::Events::Rule` resource.
#[derive(Debug)]
pub struct Trigger {
    /// Where it is declared, for messages.
    pub declared_at: String,
    /// The logical id it targets, when it names one (`!GetAtt X.Arn`, `!Ref X`).
    pub target: Option<String>,
}

pub fn resources(template: &Value) -> &Map<String, Value> {
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    template
        .get("Resources")
        .and_then(Value::as_object)
        .unwrap_or_else(|| EMPTY.get_or_init(Map::new))
}

pub fn of_type<'a>(
    template: &'a Value,
    kind: &'a str,
) -> impl Iterator<Item = (&'a String, &'a Value)> {
    resources(template)
        .iter()
        .filter(move |(_, r)| r.get("Type").and_then(Value::as_str) == Some(kind))
}

pub fn functions(template: &Value) -> Vec<Function> {
    of_type(template, "AWS::Serverless::Function")
        .map(|(id, r)| {
            let properties = r.get("Properties").cloned().unwrap_or(Value::Null);
            let routes = events(&properties)
                .filter(|(_, e)| e.get("Type").and_then(Value::as_str) == Some("HttpApi"))
                .map(|(_, e)| Route {
                    method: text(&e["Properties"]["Method"]).to_uppercase(),
                    path: text(&e["Properties"]["Path"]),
                })
                .collect();
            Function {
                logical_id: id.clone(),
                binary: r["Metadata"]["BuildProperties"]["Binary"]
                    .as_str()
                    .map(str::to_string),
                build_method: r["Metadata"]["BuildMethod"].as_str().map(str::to_string),
                properties,
                routes,
            }
        })
        .collect()
}

fn events(properties: &Value) -> impl Iterator<Item = (&String, &Value)> {
    properties
        .get("Events")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

/// Every non-HTTP trigger of a function in the template.
pub fn triggers(template: &Value) -> Vec<Trigger> {
    let mut out = Vec::new();
    for (id, r) in of_type(template, "AWS::Serverless::Function") {
        for (name, event) in events(&r["Properties"]) {
            let kind = event
                .get("Type")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if kind != "HttpApi" {
                out.push(Trigger {
                    declared_at: format!("{id} event {name} ({kind})"),
                    target: Some(id.clone()),
                });
            }
        }
    }
    for (id, r) in of_type(template, "AWS::Scheduler::Schedule") {
        out.push(Trigger {
            declared_at: format!("schedule {id}"),
            target: logical_target(&r["Properties"]["Target"]["Arn"]),
        });
    }
    for (id, r) in of_type(template, "AWS::Events::Rule") {
        let targets = r["Properties"]["Targets"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for t in targets {
            out.push(Trigger {
                declared_at: format!("rule {id}"),
                target: logical_target(&t["Arn"]),
            });
        }
    }
    out
}

/// The logical id an ARN-valued property points at, if it is `!GetAtt X.Arn` or `!Ref X`.
fn logical_target(arn: &Value) -> Option<String> {
    arn.get("Fn::GetAtt")
        .and_then(|g| g.get(0))
        .or_else(|| arn.get("Ref"))
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// A function's environment: the template's `Globals` overlaid with its own.
pub fn environment(template: &Value, function: &Function) -> BTreeMap<String, Value> {
    let global = &template["Globals"]["Function"]["Environment"]["Variables"];
    let own = &function.properties["Environment"]["Variables"];
    [global, own]
        .into_iter()
        .filter_map(Value::as_object)
        .flatten()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Every IAM action a function's policies allow: its inline statements and
/// those of the managed policies it references (`!Ref SomePolicy`).
pub fn allowed_actions(template: &Value, function: &Function) -> BTreeSet<String> {
    let mut documents = Vec::new();
    for policy in function.properties["Policies"]
        .as_array()
        .into_iter()
        .flatten()
    {
        match policy.get("Ref").and_then(Value::as_str) {
            Some(id) => documents.extend(
                resources(template)
                    .get(id)
                    .map(|r| &r["Properties"]["PolicyDocument"]),
            ),
            None => documents.push(policy),
        }
    }
    documents
        .into_iter()
        .flat_map(|d| d["Statement"].as_array().into_iter().flatten())
        .filter(|s| s["Effect"].as_str().unwrap_or("Allow") == "Allow")
        .flat_map(|s| match &s["Action"] {
            Value::String(a) => vec![a.clone()],
            Value::Array(a) => a.iter().map(text).collect(),
            _ => Vec::new(),
        })
        .collect()
}
