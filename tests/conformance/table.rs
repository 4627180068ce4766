//! The table cases: each takes a fresh, empty table and holds the backend to
//! the port's contract (DynamoDB semantics).

use std::sync::Arc;

use moments_adapters::table::embedded::EmbeddedTable;
use moments_adapters::table::{
    Cond, Index, Item, Key, PK, Page, Query, SK, Table, TableError, Write,
};
use serde_json::{Value, json};

use crate::support::{item, key};

fn put(item: Item) -> Write {
    Write::Put { item, cond: None }
}

fn put_if(item: Item, cond: Cond) -> Write {
    Write::Put {
        item,
        cond: Some(cond),
    }
}

fn check(key: Key, cond: Cond) -> Write {
    Write::Check { key, cond }
}

fn update(key: Key) -> UpdateBuilder {
    UpdateBuilder {
        key,
        set: Vec::new(),
        add: Vec::new(),
        remove: Vec::new(),
        cond: None,
    }
}

struct UpdateBuilder {
    key: Key,
    set: Vec<(String, Value)>,
    add: Vec<(String, i64)>,
    remove: Vec<String>,
    cond: Option<Cond>,
}

impl UpdateBuilder {
    fn set(mut self, name: &str, value: Value) -> Self {
        self.set.push((name.into(), value));
        self
    }
    fn add(mut self, name: &str, delta: i64) -> Self {
        self.add.push((name.into(), delta));
        self
    }
    fn remove(mut self, name: &str) -> Self {
        self.remove.push(name.into());
        self
    }
    fn when(mut self, cond: Cond) -> Self {
        self.cond = Some(cond);
        self
    }
    fn write(self) -> Write {
        Write::Update {
            key: self.key,
            set: self.set,
            add: self.add,
            remove: self.remove,
            cond: self.cond,
        }
    }
}

fn eq(name: &str, value: Value) -> Cond {
    Cond::Eq(name.into(), value)
}
fn ne(name: &str, value: Value) -> Cond {
    Cond::Ne(name.into(), value)
}
fn lt(name: &str, value: Value) -> Cond {
    Cond::Lt(name.into(), value)
}
fn gt(name: &str, value: Value) -> Cond {
    Cond::Gt(name.into(), value)
}

async fn get(table: &Arc<dyn Table>, pk: &str, sk: &str) -> Option<Item> {
    table.get(&key(pk, sk)).await.expect("get")
}

async fn write_ok(table: &Arc<dyn Table>, writes: Vec<Write>) {
    table.write(writes).await.expect("write should succeed");
}

fn assert_condition_failed(result: Result<(), TableError>, expected: usize) {
    match result {
        Err(TableError::ConditionFailed { index }) => assert_eq!(
            index, expected,
            "the failed condition should be write {expected}"
        ),
        other => panic!("expected ConditionFailed {{ index: {expected} }}, got {other:?}"),
    }
}

fn assert_invalid(result: Result<(), TableError>, what: &str) {
    match result {
        Err(TableError::Invalid(_)) => {}
        other => panic!("{what}: expected Invalid, got {other:?}"),
    }
}

/// Runs a lone Check, telling whether its condition held.
async fn holds(table: &Arc<dyn Table>, key: Key, cond: Cond) -> bool {
    match table.write(vec![check(key, cond.clone())]).await {
        Ok(()) => true,
        Err(TableError::ConditionFailed { index: 0 }) => false,
        Err(e) => panic!("check {cond:?} failed unexpectedly: {e:?}"),
    }
}

async fn assert_conditions(table: &Arc<dyn Table>, key: Key, cases: Vec<(Cond, bool)>) {
    let mut wrong = Vec::new();
    for (cond, expected) in cases {
        if holds(table, key.clone(), cond.clone()).await != expected {
            wrong.push(format!("{cond:?} should be {expected}"));
        }
    }
    assert!(wrong.is_empty(), "conditions judged wrongly: {wrong:#?}");
}

pub async fn put_then_get_returns_every_value_type(table: Arc<dyn Table>) {
    let attributes = json!({
        "text": "plain",
        "empty": "",
        "unicode": "Zoë — ✓ 日本",
        "int": 42,
        "negative": -7,
        "big": 9_007_199_254_740_993_i64,
        "huge": u64::MAX,
        "fraction": 2.5,
        "negative_fraction": -0.125,
        "yes": true,
        "no": false,
        "nothing": null,
        "list": [1, "two", [3.5], {"four": 4}],
        "empty_list": [],
        "map": {"nested": {"deep": [true, null]}, "n": 1},
        "empty_map": {},
    });
    write_ok(&table, vec![put(item("ROUND", "TRIP", attributes.clone()))]).await;
    let stored = get(&table, "ROUND", "TRIP").await.expect("item was put");
    assert_eq!(
        Value::Object(stored),
        Value::Object(item("ROUND", "TRIP", attributes))
    );
    assert!(
        get(&table, "ROUND", "TRIP")
            .await
            .and_then(|i| i.get("int").cloned())
            .is_some_and(|n| n.is_i64()),
        "integers come back as integers"
    );
}

pub async fn get_of_a_missing_item_is_none(table: Arc<dyn Table>) {
    write_ok(&table, vec![put(item("A", "1", json!({})))]).await;
    assert_eq!(get(&table, "A", "2").await, None);
    assert_eq!(get(&table, "B", "1").await, None);
}

pub async fn batch_read_returns_the_items_that_exist_and_refuses_bad_batches(
    table: Arc<dyn Table>,
) {
    let writes = (0..30)
        .map(|n| {
            put(item(
                &format!("P{}", n % 3),
                &format!("{n:03}"),
                json!({"n": n}),
            ))
        })
        .collect();
    write_ok(&table, writes).await;
    // 25 that exist, across three partitions, and 5 that do not.
    let keys: Vec<Key> = (0..25)
        .map(|n| key(&format!("P{}", n % 3), &format!("{n:03}")))
        .chain((0..5).map(|n| key("P9", &format!("{n:03}"))))
        .collect();
    let found = table.get_many(&keys).await.expect("batch read");
    let mut numbers: Vec<i64> = found
        .iter()
        .filter_map(|i| i.get("n").and_then(Value::as_i64))
        .collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (0..25).collect::<Vec<i64>>());
    let refused = |r: Result<Vec<Item>, TableError>, what: &str| match r {
        Err(TableError::Invalid(_)) => {}
        other => panic!("{what}: expected Invalid, got {other:?}"),
    };
    refused(table.get_many(&[]).await, "no keys");
    refused(
        table.get_many(&[key("P0", "000"), key("P0", "000")]).await,
        "a repeated key",
    );
    let many: Vec<Key> = (0..101).map(|n| key("P0", &format!("{n:03}"))).collect();
    refused(table.get_many(&many).await, "101 keys");
}

pub async fn second_conditional_put_is_refused_and_changes_nothing(table: Arc<dyn Table>) {
    let first = item("USER#1", "PROFILE", json!({"name": "first"}));
    let second = item("USER#1", "PROFILE", json!({"name": "second", "extra": 1}));
    write_ok(&table, vec![put_if(first.clone(), Cond::NotExists)]).await;
    assert_condition_failed(table.write(vec![put_if(second, Cond::NotExists)]).await, 0);
    assert_eq!(get(&table, "USER#1", "PROFILE").await, Some(first));
}

pub async fn equality_conditions_compare_type_and_value(table: Arc<dyn Table>) {
    let attributes = json!({
        "n": 9, "s": "9", "flag": true, "none": null,
        "list": [1, "a"], "map": {"k": [1]}, "f": 1.5,
    });
    write_ok(&table, vec![put(item("C", "1", attributes))]).await;
    assert_conditions(
        &table,
        key("C", "1"),
        vec![
            (eq("n", json!(9)), true),
            (eq("n", json!(9.0)), true),
            (eq("n", json!(10)), false),
            (eq("n", json!("9")), false),
            (eq("s", json!("9")), true),
            (eq("s", json!(9)), false),
            (ne("n", json!("9")), true),
            (ne("n", json!(9)), false),
            (eq("f", json!(1.5)), true),
            (eq("flag", json!(true)), true),
            (eq("flag", json!(false)), false),
            (eq("flag", json!("true")), false),
            (eq("none", json!(null)), true),
            (eq("list", json!([1, "a"])), true),
            (eq("list", json!(["a", 1])), false),
            (eq("map", json!({"k": [1]})), true),
            (eq("map", json!({"k": [2]})), false),
            (Cond::Exists, true),
            (Cond::NotExists, false),
            (
                Cond::And(vec![eq("n", json!(9)), eq("s", json!("9"))]),
                true,
            ),
            (
                Cond::And(vec![eq("n", json!(9)), eq("s", json!("8"))]),
                false,
            ),
            (Cond::And(vec![]), true),
        ],
    )
    .await;
}

pub async fn ordering_conditions_compare_numbers_numerically_and_strings_by_bytes(
    table: Arc<dyn Table>,
) {
    let attributes =
        json!({"n": 9, "neg": -3, "f": 2.5, "s": "Zebra", "accent": "é", "flag": true});
    write_ok(&table, vec![put(item("O", "1", attributes))]).await;
    assert_conditions(
        &table,
        key("O", "1"),
        vec![
            (lt("n", json!(10)), true),
            (gt("n", json!(10)), false),
            (gt("n", json!(8.5)), true),
            (lt("n", json!(9)), false),
            (gt("n", json!(9)), false),
            (lt("neg", json!(-2)), true),
            (gt("neg", json!(-4)), true),
            (lt("f", json!(3)), true),
            (gt("f", json!(2)), true),
            // Bytes: uppercase sorts before lowercase, "é" (0xC3...) after "z".
            (lt("s", json!("apple")), true),
            (gt("s", json!("Zeb")), true),
            (gt("accent", json!("z")), true),
            // Different types are never ordered, either way.
            (lt("n", json!("10")), false),
            (gt("n", json!("10")), false),
            (lt("s", json!(10)), false),
            (gt("s", json!(10)), false),
            (lt("flag", json!(1)), false),
            (gt("flag", json!(1)), false),
        ],
    )
    .await;
}

pub async fn conditions_on_missing_attributes_fail_except_not_equal(table: Arc<dyn Table>) {
    write_ok(&table, vec![put(item("M", "1", json!({"present": 1})))]).await;
    assert_conditions(
        &table,
        key("M", "1"),
        vec![
            (eq("absent", json!(1)), false),
            (eq("absent", json!(null)), false),
            (ne("absent", json!(1)), true),
            (lt("absent", json!(1)), false),
            (gt("absent", json!(1)), false),
            (
                Cond::And(vec![ne("absent", json!(1)), eq("present", json!(1))]),
                true,
            ),
        ],
    )
    .await;
}

pub async fn conditions_on_a_missing_item(table: Arc<dyn Table>) {
    assert_conditions(
        &table,
        key("NONE", "1"),
        vec![
            (Cond::NotExists, true),
            (Cond::Exists, false),
            (eq("a", json!(1)), false),
            (ne("a", json!(1)), true),
            (lt("a", json!(1)), false),
        ],
    )
    .await;
    assert_eq!(
        get(&table, "NONE", "1").await,
        None,
        "a check creates nothing"
    );
}

pub async fn either_condition_holds_on_items_and_missing_items(table: Arc<dyn Table>) {
    write_ok(
        &table,
        vec![put(item("OR", "1", json!({"n": 5, "s": "x"})))],
    )
    .await;
    let room = || Cond::Or(vec![Cond::NotExists, lt("n", json!(6))]);
    let cases = |on_item: bool| {
        vec![
            (room(), true),
            (
                Cond::Or(vec![eq("s", json!("y")), gt("n", json!(4))]),
                on_item,
            ),
            (
                Cond::Or(vec![eq("s", json!("y")), gt("n", json!(5))]),
                false,
            ),
            (
                Cond::And(vec![
                    Cond::Or(vec![eq("s", json!("x")), Cond::NotExists]),
                    Cond::Or(vec![Cond::Or(vec![lt("n", json!(0)), ne("s", json!("z"))])]),
                ]),
                true,
            ),
            (
                Cond::Or(vec![
                    Cond::And(vec![eq("s", json!("x")), eq("n", json!(4))]),
                    Cond::Exists,
                ]),
                on_item,
            ),
        ]
    };
    assert_conditions(&table, key("OR", "1"), cases(true)).await;
    assert_conditions(&table, key("OR", "none"), cases(false)).await;
    // Adding under "missing, or room left" stops at the cap.
    let add = |k: &str| Write::Update {
        key: key("OR", k),
        set: vec![],
        add: vec![("n".into(), 1)],
        remove: vec![],
        cond: Some(Cond::Or(vec![Cond::NotExists, lt("n", json!(2))])),
    };
    write_ok(&table, vec![add("2")]).await;
    write_ok(&table, vec![add("2")]).await;
    assert_condition_failed(table.write(vec![add("2")]).await, 0);
    assert_eq!(
        get(&table, "OR", "2")
            .await
            .and_then(|i| i.get("n").cloned()),
        Some(json!(2))
    );
    assert_invalid(
        table
            .write(vec![check(key("OR", "1"), Cond::Or(vec![]))])
            .await,
        "an empty OR",
    );
}

pub async fn update_sets_adds_and_removes_attributes(table: Arc<dyn Table>) {
    write_ok(
        &table,
        vec![put(item(
            "U",
            "1",
            json!({"name": "old", "count": 2, "temp": "x", "keep": [1]}),
        ))],
    )
    .await;
    write_ok(
        &table,
        vec![
            update(key("U", "1"))
                .set("name", json!("new"))
                .set("added", json!({"a": 1.5}))
                .add("count", 3)
                .add("fresh", -2)
                .remove("temp")
                .remove("never_there")
                .write(),
        ],
    )
    .await;
    assert_eq!(
        get(&table, "U", "1").await,
        Some(item(
            "U",
            "1",
            json!({"name": "new", "count": 5, "fresh": -2, "keep": [1], "added": {"a": 1.5}})
        ))
    );
}

pub async fn update_of_a_missing_item_creates_it_and_add_starts_from_zero(table: Arc<dyn Table>) {
    write_ok(
        &table,
        vec![
            update(key("NEW", "1"))
                .add("count", 1)
                .set("label", json!("x"))
                .write(),
        ],
    )
    .await;
    assert_eq!(
        get(&table, "NEW", "1").await,
        Some(item("NEW", "1", json!({"count": 1, "label": "x"})))
    );
    write_ok(
        &table,
        vec![update(key("NEW", "1")).add("other", 7).write()],
    )
    .await;
    let stored = get(&table, "NEW", "1").await.expect("item exists");
    assert_eq!(stored.get("other"), Some(&json!(7)));
    assert_eq!(stored.get("count"), Some(&json!(1)));
}

pub async fn update_with_a_failed_condition_changes_nothing(table: Arc<dyn Table>) {
    let original = item("U", "1", json!({"status": "pending", "count": 1}));
    write_ok(&table, vec![put(original.clone())]).await;
    let refused = update(key("U", "1"))
        .set("status", json!("approved"))
        .add("count", 1)
        .when(eq("status", json!("denied")))
        .write();
    assert_condition_failed(table.write(vec![refused]).await, 0);
    assert_eq!(get(&table, "U", "1").await, Some(original));
    let refused_create = update(key("U", "2"))
        .add("count", 1)
        .when(Cond::Exists)
        .write();
    assert_condition_failed(table.write(vec![refused_create]).await, 0);
    assert_eq!(get(&table, "U", "2").await, None);
}

pub async fn adding_to_a_string_attribute_is_invalid(table: Arc<dyn Table>) {
    let original = item("U", "1", json!({"name": "text"}));
    write_ok(&table, vec![put(original.clone())]).await;
    assert_invalid(
        table
            .write(vec![update(key("U", "1")).add("name", 1).write()])
            .await,
        "adding to a string",
    );
    assert_eq!(get(&table, "U", "1").await, Some(original));
}

pub async fn update_cannot_change_key_attributes(table: Arc<dyn Table>) {
    write_ok(&table, vec![put(item("U", "1", json!({})))]).await;
    assert_invalid(
        table
            .write(vec![update(key("U", "1")).set(SK, json!("2")).write()])
            .await,
        "setting sk",
    );
    assert_invalid(
        table
            .write(vec![update(key("U", "1")).remove(PK).write()])
            .await,
        "removing pk",
    );
    assert_eq!(get(&table, "U", "1").await, Some(item("U", "1", json!({}))));
}

pub async fn batch_applies_every_write_together(table: Arc<dyn Table>) {
    write_ok(
        &table,
        vec![
            put(item("B", "gone", json!({}))),
            put(item("B", "counter", json!({"n": 1}))),
        ],
    )
    .await;
    write_ok(
        &table,
        vec![
            put_if(item("B", "new", json!({"v": 1})), Cond::NotExists),
            update(key("B", "counter"))
                .add("n", 1)
                .when(eq("n", json!(1)))
                .write(),
            Write::Delete {
                key: key("B", "gone"),
                cond: Some(Cond::Exists),
            },
            check(key("B", "absent"), Cond::NotExists),
        ],
    )
    .await;
    assert_eq!(
        get(&table, "B", "new").await,
        Some(item("B", "new", json!({"v": 1})))
    );
    assert_eq!(
        get(&table, "B", "counter").await,
        Some(item("B", "counter", json!({"n": 2})))
    );
    assert_eq!(get(&table, "B", "gone").await, None);
    assert_eq!(get(&table, "B", "absent").await, None);
}

pub async fn failed_third_condition_rejects_the_whole_batch_and_names_it(table: Arc<dyn Table>) {
    let counter = item("B", "counter", json!({"n": 1}));
    let taken = item("B", "taken", json!({"owner": "someone"}));
    let doomed = item("B", "doomed", json!({}));
    write_ok(
        &table,
        vec![
            put(counter.clone()),
            put(taken.clone()),
            put(doomed.clone()),
        ],
    )
    .await;
    let result = table
        .write(vec![
            put_if(item("B", "new", json!({})), Cond::NotExists),
            update(key("B", "counter")).add("n", 1).write(),
            put_if(item("B", "taken", json!({"owner": "me"})), Cond::NotExists),
            Write::Delete {
                key: key("B", "doomed"),
                cond: None,
            },
        ])
        .await;
    assert_condition_failed(result, 2);
    assert_eq!(get(&table, "B", "new").await, None);
    assert_eq!(get(&table, "B", "counter").await, Some(counter));
    assert_eq!(get(&table, "B", "taken").await, Some(taken));
    assert_eq!(get(&table, "B", "doomed").await, Some(doomed));
}

pub async fn check_writes_nothing_and_can_veto_a_batch(table: Arc<dyn Table>) {
    let mentor = item("MENTOR#1", "PROFILE", json!({"active": 1}));
    write_ok(&table, vec![put(mentor.clone())]).await;
    write_ok(
        &table,
        vec![
            check(key("MENTOR#1", "PROFILE"), lt("active", json!(2))),
            put(item("PAIR#1", "META", json!({}))),
        ],
    )
    .await;
    assert_eq!(
        get(&table, "MENTOR#1", "PROFILE").await,
        Some(mentor.clone())
    );
    assert!(get(&table, "PAIR#1", "META").await.is_some());
    let vetoed = table
        .write(vec![
            put(item("PAIR#2", "META", json!({}))),
            check(key("MENTOR#1", "PROFILE"), lt("active", json!(1))),
        ])
        .await;
    assert_condition_failed(vetoed, 1);
    assert_eq!(get(&table, "PAIR#2", "META").await, None);
    assert_condition_failed(
        table
            .write(vec![check(key("MENTOR#9", "PROFILE"), Cond::Exists)])
            .await,
        0,
    );
}

pub async fn delete_happens_only_when_its_condition_holds(table: Arc<dyn Table>) {
    let request = item("REQ", "1", json!({"status": "accepted"}));
    write_ok(&table, vec![put(request.clone())]).await;
    let delete_if = |status: &str| Write::Delete {
        key: key("REQ", "1"),
        cond: Some(eq("status", json!(status))),
    };
    assert_condition_failed(table.write(vec![delete_if("pending")]).await, 0);
    assert_eq!(get(&table, "REQ", "1").await, Some(request));
    write_ok(&table, vec![delete_if("accepted")]).await;
    assert_eq!(get(&table, "REQ", "1").await, None);
    // Deleting what is not there is not an error, like DeleteItem.
    write_ok(
        &table,
        vec![Write::Delete {
            key: key("REQ", "1"),
            cond: None,
        }],
    )
    .await;
    assert_condition_failed(
        table
            .write(vec![Write::Delete {
                key: key("REQ", "1"),
                cond: Some(Cond::Exists),
            }])
            .await,
        0,
    );
}

pub async fn two_writes_on_one_key_are_invalid(table: Arc<dyn Table>) {
    let result = table
        .write(vec![
            put(item("K", "1", json!({"v": 1}))),
            update(key("K", "1")).add("n", 1).write(),
        ])
        .await;
    assert_invalid(result, "two writes on K/1");
    let with_check = table
        .write(vec![
            put(item("K", "2", json!({}))),
            check(key("K", "2"), Cond::NotExists),
        ])
        .await;
    assert_invalid(with_check, "a put and a check on K/2");
    assert_eq!(get(&table, "K", "1").await, None);
    assert_eq!(get(&table, "K", "2").await, None);
}

pub async fn more_than_a_hundred_writes_are_invalid(table: Arc<dyn Table>) {
    let writes = |n: usize| {
        (0..n)
            .map(|i| put(item("MANY", &format!("{i:03}"), json!({}))))
            .collect::<Vec<_>>()
    };
    assert_invalid(table.write(writes(101)).await, "101 writes");
    assert_eq!(get(&table, "MANY", "000").await, None);
    write_ok(&table, writes(100)).await;
    assert!(get(&table, "MANY", "099").await.is_some());
}

pub async fn empty_key_attributes_are_invalid(table: Arc<dyn Table>) {
    assert_invalid(
        table.write(vec![put(item("P", "", json!({})))]).await,
        "empty sk",
    );
    assert_invalid(
        table.write(vec![put(item("", "S", json!({})))]).await,
        "empty pk",
    );
    let mut no_sk = item("P", "S", json!({}));
    no_sk.remove(SK);
    assert_invalid(table.write(vec![put(no_sk)]).await, "missing sk");
    let mut numeric_pk = item("P", "S", json!({}));
    numeric_pk.insert(PK.into(), json!(1));
    assert_invalid(table.write(vec![put(numeric_pk)]).await, "numeric pk");
    assert_invalid(
        table
            .write(vec![update(key("P", "")).add("n", 1).write()])
            .await,
        "update with empty sk",
    );
    assert!(
        matches!(table.get(&key("", "S")).await, Err(TableError::Invalid(_))),
        "get with an empty pk is invalid"
    );
    assert!(
        matches!(
            table.query(&Query::new(Index::Primary, "")).await,
            Err(TableError::Invalid(_))
        ),
        "query with an empty partition key is invalid"
    );
}

pub async fn non_string_index_key_is_invalid(table: Arc<dyn Table>) {
    assert_invalid(
        table
            .write(vec![put(item(
                "P",
                "S",
                json!({"gsi1pk": 5, "gsi1sk": "a"}),
            ))])
            .await,
        "numeric gsi1pk",
    );
    assert_invalid(
        table
            .write(vec![put(item(
                "P",
                "S",
                json!({"gsi2pk": "d", "gsi2sk": ""}),
            ))])
            .await,
        "empty gsi2sk",
    );
    write_ok(&table, vec![put(item("P", "S", json!({})))]).await;
    assert_invalid(
        table
            .write(vec![
                update(key("P", "S")).set("gsi1sk", json!(true)).write(),
            ])
            .await,
        "boolean gsi1sk",
    );
    assert_eq!(get(&table, "P", "S").await, Some(item("P", "S", json!({}))));
}

pub async fn item_over_400_kb_is_invalid(table: Arc<dyn Table>) {
    let big = "x".repeat(450 * 1024);
    assert_invalid(
        table
            .write(vec![put(item("BIG", "1", json!({"blob": big})))])
            .await,
        "a 450 KB item",
    );
    assert_eq!(get(&table, "BIG", "1").await, None);
    let fits = "x".repeat(300 * 1024);
    write_ok(&table, vec![put(item("BIG", "1", json!({"blob": fits})))]).await;
}

// Query cases share one data set: applications, profiles and audit entries,
// with neighbours that share key prefixes and ties on index sort keys.

fn row(pk: &str, sk: &str, gsi1: Option<(&str, &str)>, gsi2: Option<(&str, &str)>) -> Item {
    let mut item = item(pk, sk, json!({"label": format!("{pk}|{sk}")}));
    if let Some((ipk, isk)) = gsi1 {
        item.insert("gsi1pk".into(), ipk.into());
        item.insert("gsi1sk".into(), isk.into());
    }
    if let Some((ipk, isk)) = gsi2 {
        item.insert("gsi2pk".into(), ipk.into());
        item.insert("gsi2sk".into(), isk.into());
    }
    item
}

fn dataset() -> Vec<Item> {
    let sup = |sk| Some(("SUP#a", sk));
    vec![
        row(
            "USER#1",
            "APP#MENTEE",
            sup("2024-01-02"),
            Some(("DEPT#x", "NAME#b")),
        ),
        row("USER#1", "APP#MENTOR", sup("2024-01-02"), None),
        row("USER#1", "AUDIT#10", None, None),
        row("USER#1", "AUDIT#9", None, None),
        row("USER#1", "AUDIT#2", None, None),
        row("USER#1", "PROFILE", None, Some(("DEPT#x", "NAME#a"))),
        row("USER#1", "Zed", None, None),
        row("USER#1", "élan", None, None),
        row(
            "USER#10",
            "APP#MENTEE",
            sup("2024-01-01"),
            Some(("DEPT#x", "NAME#c")),
        ),
        row(
            "USER#2",
            "APP#MENTEE",
            sup("2024-01-02"),
            Some(("DEPT#y", "NAME#a")),
        ),
        row(
            "USER#3",
            "APP#MENTEE",
            Some(("SUP#b", "2024-01-01")),
            Some(("DEPT#x", "NAME#b")),
        ),
        row(
            "USER#3",
            "APP#MENTOR",
            Some(("SUP#aa", "2024-01-03")),
            Some(("DEPT#xx", "NAME#a")),
        ),
        row(
            "USER#",
            "APP#MENTEE",
            Some(("SUP#", "2024-01-01")),
            Some(("DEPT#", "NAME#a")),
        ),
        row(
            "USER#4",
            "APP#MENTEE",
            sup("2024-01-02#late"),
            Some(("DEPT#x", "NAME#b")),
        ),
        row(
            "USER#5",
            "APP#MENTEE",
            sup("2024-01-04"),
            Some(("DEPT#x", "NAME#d")),
        ),
    ]
}

async fn seed(table: &Arc<dyn Table>) {
    write_ok(table, dataset().into_iter().map(put).collect()).await;
}

/// What a query must return, computed independently of any backend: the
/// partition's items with the prefix, by index sort key bytes, then table key.
fn expected(index: Index, pk: &str, prefix: &str, forward: bool) -> Vec<Item> {
    let (ipk, isk) = index.key_attributes();
    let text = |item: &Item, name: &str| item.get(name).and_then(Value::as_str).map(str::to_owned);
    let mut items: Vec<Item> = dataset()
        .into_iter()
        .filter(|i| text(i, ipk).as_deref() == Some(pk))
        .filter(|i| text(i, isk).is_some_and(|s| s.starts_with(prefix)))
        .collect();
    items.sort_by_key(|i| (text(i, isk), text(i, PK), text(i, SK)));
    if !forward {
        items.reverse();
    }
    items
}

fn labels(items: &[Item]) -> Vec<String> {
    items
        .iter()
        .map(|i| {
            i.get("label")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_owned()
        })
        .collect()
}

fn query(index: Index, pk: &str, prefix: &str, forward: bool) -> Query {
    let mut query = Query::new(index, pk).prefix(prefix);
    query.forward = forward;
    query
}

async fn run(table: &Arc<dyn Table>, query: &Query) -> Page {
    table.query(query).await.expect("query")
}

const SCENARIOS: [(Index, &str, &str); 10] = [
    (Index::Primary, "USER#1", ""),
    (Index::Primary, "USER#1", "AUDIT#"),
    (Index::Primary, "USER#1", "APP#MENTE"),
    (Index::Primary, "USER#", ""),
    (Index::Gsi1, "SUP#a", ""),
    (Index::Gsi1, "SUP#a", "2024-01-02"),
    (Index::Gsi2, "DEPT#x", ""),
    (Index::Gsi2, "DEPT#x", "NAME#b"),
    (Index::Gsi2, "DEPT#x", "NAME#z"),
    (Index::Gsi1, "SUP#nobody", ""),
];

pub async fn queries_return_one_partition_in_sort_key_byte_order(table: Arc<dyn Table>) {
    seed(&table).await;
    let page = run(&table, &Query::new(Index::Primary, "USER#1")).await;
    assert_eq!(
        labels(&page.items),
        [
            "USER#1|APP#MENTEE",
            "USER#1|APP#MENTOR",
            "USER#1|AUDIT#10",
            "USER#1|AUDIT#2",
            "USER#1|AUDIT#9",
            "USER#1|PROFILE",
            "USER#1|Zed",
            "USER#1|élan",
        ]
    );
    assert_eq!(page.next, None);
    let page = run(&table, &Query::new(Index::Gsi1, "SUP#a")).await;
    assert_eq!(
        labels(&page.items),
        [
            "USER#10|APP#MENTEE",
            "USER#1|APP#MENTEE",
            "USER#1|APP#MENTOR",
            "USER#2|APP#MENTEE",
            "USER#4|APP#MENTEE",
            "USER#5|APP#MENTEE",
        ],
        "by gsi1sk, ties by table key"
    );
    let page = run(&table, &Query::new(Index::Gsi2, "DEPT#x").backward()).await;
    assert_eq!(
        labels(&page.items),
        [
            "USER#5|APP#MENTEE",
            "USER#10|APP#MENTEE",
            "USER#4|APP#MENTEE",
            "USER#3|APP#MENTEE",
            "USER#1|APP#MENTEE",
            "USER#1|PROFILE",
        ]
    );
    let empty = run(&table, &Query::new(Index::Primary, "USER#404")).await;
    assert_eq!(empty, Page::default());
}

pub async fn prefix_queries_run_both_ways_on_every_index(table: Arc<dyn Table>) {
    seed(&table).await;
    let page = run(&table, &query(Index::Primary, "USER#1", "AUDIT#", false)).await;
    assert_eq!(
        labels(&page.items),
        ["USER#1|AUDIT#9", "USER#1|AUDIT#2", "USER#1|AUDIT#10"]
    );
    for (index, pk, prefix) in SCENARIOS {
        for forward in [true, false] {
            let page = run(&table, &query(index, pk, prefix, forward)).await;
            assert_eq!(
                labels(&page.items),
                labels(&expected(index, pk, prefix, forward)),
                "{index:?} {pk} {prefix:?} forward={forward}"
            );
            assert_eq!(page.next, None, "no limit, no next");
        }
    }
}

/// `sk >= from`: the partition's items from that sort key on, both ways,
/// paged; a prefix and a lower bound together are refused.
pub async fn lower_bound_queries_keep_sort_keys_from_a_value_on(table: Arc<dyn Table>) {
    seed(&table).await;
    let text = |item: &Item, name: &str| item.get(name).and_then(Value::as_str).map(str::to_owned);
    for (index, pk, from) in [
        (Index::Primary, "USER#1", "AUDIT#2"),
        (Index::Primary, "USER#1", "B"),
        (Index::Gsi1, "SUP#a", "2024-01-02"),
        (Index::Gsi2, "DEPT#x", "NAME#c"),
        (Index::Gsi2, "DEPT#x", "ZZZ"),
    ] {
        let (_, isk) = index.key_attributes();
        for forward in [true, false] {
            let want: Vec<Item> = expected(index, pk, "", forward)
                .into_iter()
                .filter(|i| text(i, isk).is_some_and(|s| s.as_str() >= from))
                .collect();
            let mut q = Query::new(index, pk).from(from).limit(2);
            q.forward = forward;
            let mut seen = Vec::new();
            loop {
                let page = run(&table, &q).await;
                seen.extend(labels(&page.items));
                match page.next {
                    Some(next) => q.start = Some(next),
                    None => break,
                }
                assert!(
                    seen.len() <= want.len() + 2,
                    "{index:?} {pk} {from}: paging does not end"
                );
            }
            assert_eq!(
                seen,
                labels(&want),
                "{index:?} {pk} from {from:?} forward={forward}"
            );
        }
    }
    let both = Query::new(Index::Primary, "USER#1")
        .prefix("AUDIT#")
        .from("AUDIT#2");
    assert!(matches!(
        table.query(&both).await,
        Err(TableError::Invalid(_))
    ));
}

pub async fn paging_with_a_limit_reaches_every_item_exactly_once(table: Arc<dyn Table>) {
    seed(&table).await;
    for (index, pk, prefix) in SCENARIOS {
        for forward in [true, false] {
            let all = labels(&expected(index, pk, prefix, forward));
            for limit in 1..=4 {
                let mut query = query(index, pk, prefix, forward).limit(limit);
                let mut seen = Vec::new();
                let context = format!("{index:?} {pk} {prefix:?} forward={forward} limit={limit}");
                loop {
                    let page = run(&table, &query).await;
                    assert!(
                        page.items.len() <= limit as usize,
                        "{context}: page too long"
                    );
                    seen.extend(labels(&page.items));
                    match page.next {
                        Some(next) => {
                            assert_eq!(
                                page.items.len(),
                                limit as usize,
                                "{context}: only a full page has a next"
                            );
                            query.start = Some(next);
                        }
                        None => break,
                    }
                    assert!(seen.len() <= all.len(), "{context}: paging does not end");
                }
                assert_eq!(seen, all, "{context}");
            }
        }
    }
}

pub async fn page_ending_exactly_at_the_last_item_has_no_next(table: Arc<dyn Table>) {
    seed(&table).await;
    // USER#1 has 3 AUDIT# entries and more items after them in the partition.
    let page = run(
        &table,
        &Query::new(Index::Primary, "USER#1")
            .prefix("AUDIT#")
            .limit(3),
    )
    .await;
    assert_eq!(page.items.len(), 3);
    assert_eq!(page.next, None, "nothing follows the third audit entry");
    let page = run(
        &table,
        &Query::new(Index::Primary, "USER#1")
            .prefix("AUDIT#")
            .limit(2),
    )
    .await;
    let next = page.next.expect("a third entry follows");
    assert_eq!(
        Value::Object(next),
        json!({"pk": "USER#1", "sk": "AUDIT#2"}),
        "next is the last item's key"
    );
    let page = run(&table, &Query::new(Index::Gsi1, "SUP#a").limit(6)).await;
    assert_eq!((page.items.len(), page.next), (6, None));
    let page = run(&table, &Query::new(Index::Gsi1, "SUP#a").limit(1)).await;
    assert_eq!(
        page.next.map(Value::Object),
        Some(
            json!({"pk": "USER#10", "sk": "APP#MENTEE", "gsi1pk": "SUP#a", "gsi1sk": "2024-01-01"})
        ),
        "an index's next carries the table key and the index key"
    );
}

pub async fn sparse_index_holds_only_items_with_both_index_attributes(table: Arc<dyn Table>) {
    write_ok(
        &table,
        vec![
            put(item("A", "1", json!({"gsi1pk": "S", "gsi1sk": "1"}))),
            put(item("A", "2", json!({"gsi1pk": "S"}))),
            put(item("A", "3", json!({"gsi1sk": "3"}))),
            put(item(
                "A",
                "4",
                json!({"gsi1pk": "S", "gsi1sk": "4", "gsi2pk": "D"}),
            )),
        ],
    )
    .await;
    let in_gsi1 = |page: Page| {
        page.items
            .iter()
            .map(|i| i.get(SK).and_then(Value::as_str).unwrap_or("?").to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        in_gsi1(run(&table, &Query::new(Index::Gsi1, "S")).await),
        ["1", "4"]
    );
    assert_eq!(
        run(&table, &Query::new(Index::Gsi2, "D")).await,
        Page::default()
    );

    write_ok(&table, vec![update(key("A", "1")).remove("gsi1sk").write()]).await;
    write_ok(
        &table,
        vec![update(key("A", "2")).set("gsi1sk", json!("2")).write()],
    )
    .await;
    assert_eq!(
        in_gsi1(run(&table, &Query::new(Index::Gsi1, "S")).await),
        ["2", "4"]
    );

    // Moving an item to another index partition moves it in the index.
    write_ok(
        &table,
        vec![update(key("A", "4")).set("gsi1pk", json!("T")).write()],
    )
    .await;
    assert_eq!(
        in_gsi1(run(&table, &Query::new(Index::Gsi1, "S")).await),
        ["2"]
    );
    assert_eq!(
        in_gsi1(run(&table, &Query::new(Index::Gsi1, "T")).await),
        ["4"]
    );

    // Replacing the whole item without index attributes drops it too.
    write_ok(&table, vec![put(item("A", "2", json!({"other": 1})))]).await;
    write_ok(
        &table,
        vec![Write::Delete {
            key: key("A", "4"),
            cond: None,
        }],
    )
    .await;
    assert_eq!(
        run(&table, &Query::new(Index::Gsi1, "S")).await,
        Page::default()
    );
    assert_eq!(
        run(&table, &Query::new(Index::Gsi1, "T")).await,
        Page::default()
    );
}

pub async fn only_one_of_twenty_concurrent_conditional_puts_succeeds(table: Arc<dyn Table>) {
    let tasks: Vec<_> = (0..20)
        .map(|n| {
            let table = Arc::clone(&table);
            tokio::spawn(async move {
                let claim = item("SEAT", "1", json!({"holder": n}));
                table.write(vec![put_if(claim, Cond::NotExists)]).await
            })
        })
        .collect();
    let mut winners = Vec::new();
    for (n, task) in tasks.into_iter().enumerate() {
        match task.await.expect("task ran") {
            Ok(()) => winners.push(n),
            Err(TableError::ConditionFailed { index: 0 }) => {}
            Err(e) => panic!("task {n}: unexpected {e:?}"),
        }
    }
    assert_eq!(winners.len(), 1, "exactly one claim wins: {winners:?}");
    let stored = get(&table, "SEAT", "1").await.expect("the seat is held");
    assert_eq!(stored.get("holder"), Some(&json!(winners[0])));
}

pub async fn concurrent_capped_increments_stop_exactly_at_the_cap(table: Arc<dyn Table>) {
    write_ok(
        &table,
        vec![put(item("MENTOR#1", "CAPACITY", json!({"count": 0})))],
    )
    .await;
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let table = Arc::clone(&table);
            tokio::spawn(async move {
                let increment = update(key("MENTOR#1", "CAPACITY"))
                    .add("count", 1)
                    .when(lt("count", json!(5)))
                    .write();
                table.write(vec![increment]).await
            })
        })
        .collect();
    let mut succeeded = 0;
    for task in tasks {
        match task.await.expect("task ran") {
            Ok(()) => succeeded += 1,
            Err(TableError::ConditionFailed { index: 0 }) => {}
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    assert_eq!(succeeded, 5);
    let stored = get(&table, "MENTOR#1", "CAPACITY")
        .await
        .expect("item exists");
    assert_eq!(stored.get("count"), Some(&json!(5)));
}

pub async fn outbox_lists_sent_messages_newest_first(table: Arc<dyn Table>) {
    crate::mail::outbox_lists_sent_messages_newest_first(table).await;
}

pub async fn data_and_indexes_survive_reopening_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("table.redb");
    {
        let table: Arc<dyn Table> = Arc::new(EmbeddedTable::open(&path).expect("open"));
        seed(&table).await;
        write_ok(
            &table,
            vec![update(key("USER#1", "AUDIT#9")).add("n", 2).write()],
        )
        .await;
        write_ok(
            &table,
            vec![Write::Delete {
                key: key("USER#1", "AUDIT#10"),
                cond: None,
            }],
        )
        .await;
        // A refused batch must leave no trace on disk either.
        let refused = table
            .write(vec![
                put(item("GHOST", "1", json!({}))),
                check(key("NOBODY", "1"), Cond::Exists),
            ])
            .await;
        assert_condition_failed(refused, 1);
    }
    let table: Arc<dyn Table> = Arc::new(EmbeddedTable::open(&path).expect("reopen"));
    let audit = run(
        &table,
        &Query::new(Index::Primary, "USER#1").prefix("AUDIT#"),
    )
    .await;
    assert_eq!(labels(&audit.items), ["USER#1|AUDIT#2", "USER#1|AUDIT#9"]);
    assert_eq!(audit.items[1].get("n"), Some(&json!(2)));
    assert_eq!(get(&table, "GHOST", "1").await, None);
    for (index, pk, prefix) in SCENARIOS.into_iter().filter(|(i, ..)| *i != Index::Primary) {
        let page = run(&table, &query(index, pk, prefix, true)).await;
        assert_eq!(
            labels(&page.items),
            labels(&expected(index, pk, prefix, true)),
            "{index:?} rebuilt after reopening"
        );
    }
    // Conditions see the reopened data.
    assert_condition_failed(
        table
            .write(vec![put_if(
                item("USER#1", "PROFILE", json!({})),
                Cond::NotExists,
            )])
            .await,
        0,
    );
}
