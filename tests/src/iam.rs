//! IAM as AWS evaluates it, for the calls our functions make: each function's
//! statements in template.yaml (inline, and the managed policies it
//! references), resolved for a sample stack, and a request judged against
//! them. Neither the embedded store nor moto enforces IAM, so without this a
//! policy that misses one action (DynamoDB authorizes each item of a
//! transaction under its own action) is first seen as a 500 in AWS.
//!
//! What is modelled: Allow and Deny statements; `Action` and `Resource`
//! patterns with `*` and `?`; the condition operators `StringEquals`,
//! `StringLike` and their `ForAllValues:` / `ForAnyValue:` forms on the keys
//! the calls carry (`dynamodb:LeadingKeys`, `ses:FromAddress`,
//! `iam:PassedToService`). A statement with anything else in its condition
//! never applies, and says so in the refusal, so the template cannot pass by
//! using what this does not understand.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::template::{self, Function};

pub const REGION: &str = "us-east-1";
pub const ACCOUNT: &str = "123456789012";
const STACK: &str = "moments-dev";

/// Values for the parameters without a usable default.
const SAMPLE_PARAMETERS: [(&str, &str); 4] = [
    ("DomainName", "moments.mo.gov"),
    ("EmailDomains", "mo.gov"),
    ("MailFrom", "moments@mo.gov"),
    ("ProgramAdmins", "admin@mo.gov"),
];

/// One call as IAM sees it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Request {
    /// e.g. `dynamodb:PutItem`.
    pub action: String,
    pub resource: String,
    /// Condition keys and their values, e.g. `dynamodb:LeadingKeys`.
    pub context: BTreeMap<String, Vec<String>>,
}

impl Request {
    pub fn new(action: &str, resource: &str) -> Request {
        Request {
            action: action.into(),
            resource: resource.into(),
            context: BTreeMap::new(),
        }
    }

    pub fn with(mut self, key: &str, value: &str) -> Request {
        self.context
            .entry(key.into())
            .or_default()
            .push(value.into());
        self
    }
}

impl std::fmt::Display for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} on {}", self.action, self.resource)?;
        for (key, values) in &self.context {
            write!(f, " with {key} = {}", values.join(", "))?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone)]
struct Condition {
    operator: String,
    key: String,
    values: Vec<String>,
}

#[derive(Debug, Clone)]
struct Statement {
    /// The policy and statement, for messages.
    from: String,
    allow: bool,
    actions: Vec<String>,
    resources: Vec<String>,
    conditions: Vec<Condition>,
}

/// What one function may do, and the settings it calls AWS with.
#[derive(Debug, Clone)]
pub struct Grant {
    pub logical_id: String,
    statements: Vec<Statement>,
    /// Its environment as the sample stack gives it.
    pub env: BTreeMap<String, String>,
}

/// Every function's grant, by binary name.
#[derive(Debug, Clone)]
pub struct Permissions {
    pub functions: BTreeMap<String, Grant>,
}

impl Permissions {
    pub fn of(template: &Value) -> Permissions {
        let stack = Stack { template };
        let functions = template::functions(template)
            .into_iter()
            .filter_map(|f| Some((f.binary.clone()?, stack.grant(&f))))
            .collect();
        Permissions { functions }
    }

    /// The template in the workspace.
    pub fn of_workspace() -> Permissions {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../template.yaml");
        let text = std::fs::read_to_string(path).expect("template.yaml");
        Permissions::of(&template::parse(&text).expect("template.yaml parses"))
    }

    /// Whether `function` may make `request`, or why not.
    pub fn check(&self, function: &str, request: &Request) -> Result<(), String> {
        let Some(grant) = self.functions.get(function) else {
            return Err(format!("{function} is not a function of template.yaml"));
        };
        grant
            .check(request)
            .map_err(|why| format!("{function} ({}) may not {request}: {why}", grant.logical_id))
    }
}

impl Grant {
    pub fn setting(&self, name: &str) -> &str {
        self.env.get(name).map(String::as_str).unwrap_or_default()
    }

    fn check(&self, request: &Request) -> Result<(), String> {
        let mut unsupported = Vec::new();
        let mut allowed = false;
        for s in &self.statements {
            if !matches_any(&s.actions, &request.action, false)
                || !matches_any(&s.resources, &request.resource, true)
            {
                continue;
            }
            match conditions_hold(&s.conditions, &request.context) {
                Ok(true) if !s.allow => return Err(format!("denied by {}", s.from)),
                Ok(true) => allowed = true,
                Ok(false) => {}
                Err(e) => unsupported.push(format!("{} ({e})", s.from)),
            }
        }
        match (allowed, unsupported.is_empty()) {
            (true, _) => Ok(()),
            (false, true) => Err("no statement allows it".into()),
            (false, false) => Err(format!(
                "no statement allows it; not understood: {}",
                unsupported.join("; ")
            )),
        }
    }
}

/// An IAM pattern: `*` any run of characters, `?` one; actions ignore case.
fn glob(pattern: &str, text: &str, case_sensitive: bool) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = if case_sensitive {
        (pattern.chars().collect(), text.chars().collect())
    } else {
        (
            pattern.to_lowercase().chars().collect(),
            text.to_lowercase().chars().collect(),
        )
    };
    // Classic two-pointer wildcard match with backtracking to the last `*`.
    let (mut i, mut j, mut star, mut mark) = (0, 0, None, 0);
    while j < t.len() {
        if i < p.len() && (p[i] == '?' || p[i] == t[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some(i);
            mark = j;
            i += 1;
        } else if let Some(s) = star {
            i = s + 1;
            mark += 1;
            j = mark;
        } else {
            return false;
        }
    }
    p[i..].iter().all(|c| *c == '*')
}

fn matches_any(patterns: &[String], text: &str, case_sensitive: bool) -> bool {
    patterns.iter().any(|p| glob(p, text, case_sensitive))
}

/// Whether every condition of a statement holds; `Err` names one this model
/// does not evaluate.
fn conditions_hold(
    conditions: &[Condition],
    context: &BTreeMap<String, Vec<String>>,
) -> Result<bool, String> {
    for c in conditions {
        let (set, operator) = match c.operator.split_once(':') {
            Some((set, op)) => (Some(set), op),
            None => (None, c.operator.as_str()),
        };
        let like = match operator {
            "StringEquals" => false,
            "StringLike" => true,
            other => return Err(format!("condition operator {other}")),
        };
        if !matches!(
            c.key.as_str(),
            "dynamodb:LeadingKeys" | "ses:FromAddress" | "iam:PassedToService"
        ) {
            return Err(format!("condition key {}", c.key));
        }
        let one = |value: &String| {
            c.values.iter().any(|p| {
                if like {
                    glob(p, value, true)
                } else {
                    p == value
                }
            })
        };
        let values = context.get(&c.key).map(Vec::as_slice).unwrap_or_default();
        let holds = match set {
            // Vacuously true without the key, as in AWS.
            Some("ForAllValues") => values.iter().all(one),
            Some("ForAnyValue") => values.iter().any(one),
            None => !values.is_empty() && values.iter().all(one),
            Some(other) => return Err(format!("condition set operator {other}")),
        };
        if !holds {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The template's values as one deployed stack would have them.
struct Stack<'a> {
    template: &'a Value,
}

impl Stack<'_> {
    fn grant(&self, f: &Function) -> Grant {
        let mut statements = Vec::new();
        for (n, policy) in f.properties["Policies"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            let (name, document) = match policy.get("Ref").and_then(Value::as_str) {
                Some(id) => (
                    id.to_string(),
                    template::resources(self.template)
                        .get(id)
                        .map(|r| r["Properties"]["PolicyDocument"].clone())
                        .unwrap_or(Value::Null),
                ),
                None => (format!("its policy #{}", n + 1), policy.clone()),
            };
            for (m, s) in document["Statement"]
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
            {
                let sid = s["Sid"]
                    .as_str()
                    .map_or(format!("#{}", m + 1), str::to_string);
                statements.push(self.statement(&format!("{name} {sid}"), s));
            }
        }
        let env = template::environment(self.template, f)
            .into_iter()
            .map(|(k, v)| (k, self.value(&v)))
            .collect();
        Grant {
            logical_id: f.logical_id.clone(),
            statements,
            env,
        }
    }

    fn statement(&self, from: &str, s: &Value) -> Statement {
        let mut conditions = Vec::new();
        for (operator, keys) in s["Condition"].as_object().into_iter().flatten() {
            for (key, values) in keys.as_object().into_iter().flatten() {
                conditions.push(Condition {
                    operator: operator.clone(),
                    key: key.clone(),
                    values: self.list(values),
                });
            }
        }
        Statement {
            from: from.into(),
            allow: s["Effect"].as_str() != Some("Deny"),
            actions: self.list(&s["Action"]),
            resources: self.list(&s["Resource"]),
            conditions,
        }
    }

    fn list(&self, v: &Value) -> Vec<String> {
        match v {
            Value::Array(items) => items.iter().map(|i| self.value(i)).collect(),
            Value::Null => Vec::new(),
            one => vec![self.value(one)],
        }
    }

    /// A template expression's value in the sample stack.
    fn value(&self, v: &Value) -> String {
        match v {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Object(o) if o.len() == 1 => {
                let (name, arg) = o.iter().next().expect("one entry");
                match (name.as_str(), arg) {
                    ("Ref", Value::String(r)) => self.reference(r),
                    ("Fn::GetAtt", Value::Array(a)) => self.attribute(
                        a.first().and_then(Value::as_str).unwrap_or_default(),
                        a.get(1).and_then(Value::as_str).unwrap_or_default(),
                    ),
                    ("Fn::GetAtt", Value::String(s)) => {
                        let (r, a) = s.split_once('.').unwrap_or((s, ""));
                        self.attribute(r, a)
                    }
                    ("Fn::Sub", Value::String(s)) => self.substitute(s),
                    ("Fn::Sub", Value::Array(a)) => {
                        self.substitute(a.first().and_then(Value::as_str).unwrap_or_default())
                    }
                    ("Fn::If", Value::Array(a)) => self.value(a.get(1).unwrap_or(&Value::Null)),
                    ("Fn::Join", Value::Array(a)) => {
                        let sep = a.first().and_then(Value::as_str).unwrap_or_default();
                        self.list(a.get(1).unwrap_or(&Value::Null)).join(sep)
                    }
                    _ => format!("<{name}>"),
                }
            }
            _ => String::new(),
        }
    }

    fn reference(&self, name: &str) -> String {
        match name {
            "AWS::Region" => return REGION.into(),
            "AWS::StackName" => return STACK.into(),
            "AWS::AccountId" => return ACCOUNT.into(),
            "AWS::Partition" => return "aws".into(),
            "AWS::URLSuffix" => return "amazonaws.com".into(),
            _ => {}
        }
        if let Some(parameter) = self.template["Parameters"].get(name) {
            if let Some((_, v)) = SAMPLE_PARAMETERS.iter().find(|(p, _)| *p == name) {
                return v.to_string();
            }
            return self.value(&parameter["Default"]);
        }
        let resource = &template::resources(self.template)[name];
        let properties = &resource["Properties"];
        for field in [
            "TableName",
            "FunctionName",
            "Name",
            "RoleName",
            "QueueName",
            "ConfigurationSetName",
        ] {
            if !properties[field].is_null() {
                return self.value(&properties[field]);
            }
        }
        format!("{STACK}-{name}")
    }

    fn attribute(&self, resource: &str, attribute: &str) -> String {
        let kind = template::resources(self.template)[resource]["Type"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let name = self.reference(resource);
        match (kind.as_str(), attribute) {
            ("AWS::DynamoDB::Table", "Arn") => {
                format!("arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}")
            }
            ("AWS::IAM::Role", "Arn") => format!("arn:aws:iam::{ACCOUNT}:role/{name}"),
            ("AWS::SQS::Queue", "Arn") => format!("arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"),
            ("AWS::Serverless::Function" | "AWS::Lambda::Function", "Arn") => {
                format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}")
            }
            _ => format!("arn:aws:sample:{REGION}:{ACCOUNT}:{resource}/{attribute}"),
        }
    }

    fn substitute(&self, text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let Some(end) = rest[start..].find('}') else {
                break;
            };
            let name = &rest[start + 2..start + end];
            out.push_str(&match name.split_once('.') {
                Some((resource, attribute)) => {
                    self.value(&json!({ "Fn::GetAtt": [resource, attribute] }))
                }
                None => self.reference(name),
            });
            rest = &rest[start + end + 1..];
        }
        out.push_str(rest);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_as_iam_matches_them() {
        assert!(glob("dynamodb:*", "dynamodb:PutItem", false));
        assert!(glob("DynamoDB:putitem", "dynamodb:PutItem", false));
        assert!(glob("SIGNIN#*", "SIGNIN#ab12", true));
        assert!(!glob("SIGNIN#*", "signin#ab12", true));
        assert!(glob("a?c*", "abcdef", true));
        assert!(!glob("a?c", "abcd", true));
        assert!(glob("*", "", true));
    }

    fn keys(values: &[&str]) -> BTreeMap<String, Vec<String>> {
        BTreeMap::from([(
            "dynamodb:LeadingKeys".to_string(),
            values.iter().map(|v| v.to_string()).collect(),
        )])
    }

    #[test]
    fn conditions_on_leading_keys_follow_aws() {
        let like = |values: &[&str]| Condition {
            operator: "ForAllValues:StringLike".into(),
            key: "dynamodb:LeadingKeys".into(),
            values: values.iter().map(|v| v.to_string()).collect(),
        };
        assert_eq!(
            conditions_hold(&[like(&["MS#*"])], &keys(&["MS#1"])),
            Ok(true)
        );
        assert_eq!(
            conditions_hold(&[like(&["MS#*"])], &keys(&["METRICS"])),
            Ok(false)
        );
        // ForAllValues holds without the key at all, as in AWS.
        assert_eq!(
            conditions_hold(&[like(&["MS#*"])], &BTreeMap::new()),
            Ok(true)
        );
        let unknown = Condition {
            operator: "NumericLessThan".into(),
            key: "dynamodb:LeadingKeys".into(),
            values: vec![],
        };
        assert!(conditions_hold(&[unknown], &keys(&["x"])).is_err());
    }
}
