//! Adapter conformance: every table case runs on the embedded store and on
//! DynamoDB (moto), and both must give the same answers; the mailers are held
//! to what the program relies on.
//!
//! The DynamoDB and SES cases need moto: the README test command starts it and
//! sets `MOMENTS_TEST_AWS_ENDPOINT`.

mod job_queue;
mod limits;
mod mail;
mod mail_queue;
mod scheduler;
mod sessions;
mod store;
mod support;
mod table;

/// One test per case and backend: `<group>::embedded::<case>` and
/// `<group>::dynamodb::<case>`, each case being `<module>::<case>(table)`.
macro_rules! on_both_backends {
    ($group:ident => $module:ident: $($case:ident),* $(,)?) => {
        mod $group {
        mod embedded {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $case() {
                    let backend = crate::support::Backend::embedded();
                    crate::$module::$case(backend.table()).await;
                }
            )*
        }
        mod dynamodb {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $case() {
                    let backend = crate::support::Backend::dynamodb(stringify!($case)).await;
                    crate::$module::$case(backend.table()).await;
                }
            )*
        }
        }
    };
}

on_both_backends!(
    table_cases => table:
    put_then_get_returns_every_value_type,
    get_of_a_missing_item_is_none,
    batch_read_returns_the_items_that_exist_and_refuses_bad_batches,
    second_conditional_put_is_refused_and_changes_nothing,
    equality_conditions_compare_type_and_value,
    ordering_conditions_compare_numbers_numerically_and_strings_by_bytes,
    conditions_on_missing_attributes_fail_except_not_equal,
    conditions_on_a_missing_item,
    either_condition_holds_on_items_and_missing_items,
    update_sets_adds_and_removes_attributes,
    update_of_a_missing_item_creates_it_and_add_starts_from_zero,
    update_with_a_failed_condition_changes_nothing,
    adding_to_a_string_attribute_is_invalid,
    update_cannot_change_key_attributes,
    batch_applies_every_write_together,
    failed_third_condition_rejects_the_whole_batch_and_names_it,
    check_writes_nothing_and_can_veto_a_batch,
    delete_happens_only_when_its_condition_holds,
    two_writes_on_one_key_are_invalid,
    more_than_a_hundred_writes_are_invalid,
    empty_key_attributes_are_invalid,
    non_string_index_key_is_invalid,
    item_over_400_kb_is_invalid,
    queries_return_one_partition_in_sort_key_byte_order,
    prefix_queries_run_both_ways_on_every_index,
    lower_bound_queries_keep_sort_keys_from_a_value_on,
    paging_with_a_limit_reaches_every_item_exactly_once,
    page_ending_exactly_at_the_last_item_has_no_next,
    sparse_index_holds_only_items_with_both_index_attributes,
    only_one_of_twenty_concurrent_conditional_puts_succeeds,
    concurrent_capped_increments_stop_exactly_at_the_cap,
    outbox_lists_sent_messages_newest_first,
);

on_both_backends!(
    store_cases => store:
    second_application_for_a_role_is_refused_and_changes_nothing,
    decision_applies_only_to_the_version_read_while_pending,
    concurrent_decisions_apply_exactly_once,
    queues_follow_supervisor_department_and_status,
    department_administrators_are_kept_per_department,
    sign_in_tokens_work_once_and_only_before_they_expire,
    a_warm_listing_copy_learns_every_change_another_function_commits,
);

on_both_backends!(
    session_cases => sessions:
    a_session_is_read_back_touched_at_most_every_five_minutes_and_ended,
    ending_a_persons_sessions_ends_all_of_theirs_and_no_one_elses,
    a_session_remembers_how_it_was_started,
    a_pending_provider_sign_in_is_taken_once_and_only_before_it_expires,
    security_events_come_back_newest_first_and_refusals_add_up,
);

on_both_backends!(
    mail_queue_cases => mail_queue:
    queued_mail_comes_back_when_due_soonest_first_and_leaves_once_sent,
    failed_mail_moves_to_its_next_time_or_is_set_aside_never_lost,
);

on_both_backends!(
    job_queue_cases => job_queue:
    a_queued_job_comes_back_when_due_and_leaves_once_done,
    a_job_queued_again_meanwhile_is_neither_removed_nor_overwritten,
);

on_both_backends!(
    limit_cases => limits:
    uses_count_up_to_the_max_then_are_refused_without_counting,
    a_new_window_and_another_subject_start_from_zero,
    several_uses_are_counted_all_or_none,
    concurrent_uses_stop_exactly_at_the_max,
);

#[tokio::test]
async fn embedded_data_and_indexes_survive_reopening_the_file() {
    table::data_and_indexes_survive_reopening_the_file().await;
}

#[tokio::test]
async fn ses_mailer_sends_and_moto_records_the_message() {
    mail::ses_mailer_sends_and_moto_records_the_message().await;
}

#[tokio::test]
async fn ses_mailer_from_an_unverified_sender_is_rejected() {
    mail::ses_mailer_from_an_unverified_sender_is_rejected().await;
}
