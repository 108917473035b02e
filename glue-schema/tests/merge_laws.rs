//! Merging layers is associative: (core + feature) + project is core + (feature + project),
//! so layers can be merged in any grouping with the same result; and `~` has no opinion.

use glue_schema::{Key, Node, Position, Value, merge_nodes};
use proptest::prelude::*;

fn at(line: u64) -> Position {
    Position { line, column: 1 }
}

/// A layer: a mapping whose keys say what they hold, as a schema's keys do (a layer never
/// changes the kind of a key; the merge phase reports one that does). `m*` keys hold
/// mappings, `s*` scalars, `o*` operations (items with a `type`, each at most once), `l*`
/// lists of scalars; any key may hold `~`.
fn layer() -> impl Strategy<Value = Node> {
    mapping(3)
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<bool>().prop_map(Value::Bool),
        (-3i64..3).prop_map(Value::Int),
        "[ab]{0,2}".prop_map(Value::Str),
    ]
}

fn mapping(depth: u32) -> BoxedStrategy<Node> {
    let keys = if depth == 0 {
        prop_oneof![Just("s1"), Just("s2"), Just("l1")].boxed()
    } else {
        prop_oneof![
            Just("s1"),
            Just("s2"),
            Just("m1"),
            Just("m2"),
            Just("o1"),
            Just("l1")
        ]
        .boxed()
    };
    (
        proptest::collection::btree_map(keys, (0u8..8, 1u64..50), 0..4),
        1u64..50,
    )
        .prop_flat_map(move |(entries, line)| {
            let children: Vec<BoxedStrategy<(Key, Node)>> = entries
                .into_iter()
                .map(|(name, (null, key_line))| {
                    let value = if null == 0 {
                        Just(Node {
                            value: Value::Null,
                            at: at(key_line),
                        })
                        .boxed()
                    } else {
                        value_for(name, depth)
                    };
                    value
                        .prop_map(move |node| {
                            (
                                Key {
                                    name: name.to_owned(),
                                    at: at(key_line),
                                },
                                node,
                            )
                        })
                        .boxed()
                })
                .collect();
            children.prop_map(move |entries| Node {
                value: Value::Map(entries),
                at: at(line),
            })
        })
        .boxed()
}

fn value_for(name: &str, depth: u32) -> BoxedStrategy<Node> {
    match name.as_bytes()[0] {
        b'm' => mapping(depth - 1),
        b'o' => (
            proptest::collection::btree_map(
                prop_oneof![Just("Get"), Just("Post"), Just("Put")],
                mapping(depth - 1),
                0..3,
            ),
            1u64..50,
        )
            .prop_map(|(items, line)| Node {
                value: Value::List(
                    items
                        .into_iter()
                        .map(|(kind, mut rest)| {
                            if let Value::Map(entries) = &mut rest.value {
                                entries.insert(
                                    0,
                                    (
                                        Key {
                                            name: "type".to_owned(),
                                            at: at(line),
                                        },
                                        Node {
                                            value: Value::Str(kind.to_owned()),
                                            at: at(line),
                                        },
                                    ),
                                );
                            }
                            rest
                        })
                        .collect(),
                ),
                at: at(line),
            })
            .boxed(),
        b'l' => (
            proptest::collection::vec((scalar(), 1u64..50), 0..3),
            1u64..50,
        )
            .prop_map(|(items, line)| Node {
                value: Value::List(
                    items
                        .into_iter()
                        .map(|(value, line)| Node {
                            value,
                            at: at(line),
                        })
                        .collect(),
                ),
                at: at(line),
            })
            .boxed(),
        _ => (scalar(), 1u64..50)
            .prop_map(|(value, line)| Node {
                value,
                at: at(line),
            })
            .boxed(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn merging_is_associative(core in layer(), feature in layer(), project in layer()) {
        let left = merge_nodes(&merge_nodes(&core, &feature), &project);
        let right = merge_nodes(&core, &merge_nodes(&feature, &project));
        prop_assert_eq!(left, right);
    }

    #[test]
    fn null_changes_nothing(layer in layer(), line in 1u64..50) {
        let null = Node { value: Value::Null, at: at(line) };
        prop_assert_eq!(&merge_nodes(&layer, &null), &layer);
        prop_assert_eq!(&merge_nodes(&null, &layer), &layer);
    }
}
