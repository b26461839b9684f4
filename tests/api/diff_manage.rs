//! Differential scenarios: an auth collection's manageRule — managers set `verified`, change
//! another record's password and email without the old password, and see emails; everyone
//! else gets the usual auth-record checks.

use serde_json::json;
use wasmbase_tests::{Scenario, Step};

const RECORDS: &str = "/api/collections/members/records";

fn login(email: &str, save: &str) -> Step {
    Step::post(
        "/api/collections/members/auth-with-password",
        json!({"identity": email, "password": "pass123456"}),
    )
    .save(save, "/token")
}

fn member(email: &str) -> serde_json::Value {
    json!({"email": email, "password": "pass123456", "passwordConfirm": "pass123456"})
}

#[tokio::test(flavor = "multi_thread")]
async fn manage_rule_grants_auth_field_rights_like_pocketbase() {
    let mut admin = member("adm@example.com");
    admin["role"] = json!("admin");
    admin["verified"] = json!(true);
    Scenario::new("manage")
        .step(
            Step::post(
                "/api/collections",
                json!({
                    "name": "members", "type": "auth",
                    "fields": [{"name": "role", "type": "text"}],
                    "listRule": "", "viewRule": "", "createRule": "",
                    "updateRule": "id = @request.auth.id || @request.auth.role = 'admin'",
                    "manageRule": "@request.auth.role = 'admin'",
                }),
            )
            .as_superuser()
            .status_only(),
        )
        .step(Step::post(RECORDS, admin).as_superuser())
        .step(Step::post(RECORDS, member("m1@example.com")).as_superuser().save("m1", "/id"))
        .step(login("adm@example.com", "adm"))
        .step(login("m1@example.com", "m1tok"))
        .steps([
            {
                let mut verified = member("m2@example.com");
                verified["verified"] = json!(true);
                Step::post(RECORDS, verified).auth_header("{{adm}}").label("manager sets verified")
            },
            {
                let mut verified = member("m3@example.com");
                verified["verified"] = json!(true);
                Step::post(RECORDS, verified).auth_header("{{m1tok}}").label("member may not")
            },
            {
                let mut verified = member("m4@example.com");
                verified["verified"] = json!(true);
                Step::post(RECORDS, verified).label("guest may not")
            },
            Step::get(RECORDS).auth_header("{{adm}}").label("manager sees every email"),
            Step::get(RECORDS).auth_header("{{m1tok}}").label("member sees only its own"),
            Step::get(&format!("{RECORDS}/{{{{m1}}}}")).auth_header("{{adm}}"),
            Step::new(reqwest::Method::PATCH, &format!("{RECORDS}/{{{{m1}}}}"))
                .json(json!({"password": "newpass1234", "passwordConfirm": "newpass1234"}))
                .auth_header("{{adm}}")
                .label("manager changes a password without the old one"),
            Step::new(reqwest::Method::PATCH, &format!("{RECORDS}/{{{{m1}}}}"))
                .json(json!({"email": "m1b@example.com", "verified": true}))
                .auth_header("{{adm}}")
                .label("manager changes email and verified"),
        ])
        .step(
            Step::post(
                "/api/collections/members/auth-with-password",
                json!({"identity": "m1b@example.com", "password": "newpass1234"}),
            )
            .save("m1new", "/token"),
        )
        .steps([
            Step::new(reqwest::Method::PATCH, &format!("{RECORDS}/{{{{m1}}}}"))
                .json(json!({"password": "other12345", "passwordConfirm": "other12345"}))
                .auth_header("{{m1new}}")
                .label("owner still needs the old password"),
            Step::new(reqwest::Method::PATCH, &format!("{RECORDS}/{{{{m1}}}}"))
                .json(json!({"verified": false}))
                .auth_header("{{m1new}}")
                .label("owner may not change verified"),
        ])
        .run()
        .await;
}
