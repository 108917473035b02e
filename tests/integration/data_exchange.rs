//! The ground of the Data Exchange API (SPEC §9.1, §9.6), on the shop's database, SQLite and
//! PostgreSQL: the tables and columns as introspected, configurations checked against them
//! with a pointer per refused key, and stored with a version every change moves on.

use glue_data_exchange::{Configuration, Storage, schema};
use serde_json::{Value, json};

use crate::common::TestShop;

/// The shop on SQLite, and on PostgreSQL when the test cluster is configured.
async fn shops() -> Vec<TestShop> {
    let mut shops = vec![crate::common::shop().await];
    shops.extend(crate::postgres::postgres_shop().await);
    shops
}

/// The `countries` configuration of SPEC §11.2.
fn countries() -> Value {
    let field = |name: &str, ty: &str, creatable: bool, required: bool| {
        json!({"fieldName": name, "fieldVisibleName": name, "type": ty,
               "isCreatable": creatable, "isEditable": creatable && name != "id_country",
               "validation": {"isRequired": required}})
    };
    json!({"tableAlias": "countries", "tableName": "countries", "isActive": true,
      "definition": {"identifier": "id_country", "isDeletable": false, "fields": [
        field("id_country", "integer", false, false),
        field("iso2_code", "string", true, true),
        field("iso3_code", "string", true, true),
        field("name", "string", true, true),
        field("postal_code_mandatory", "boolean", true, false),
        field("postal_code_regex", "string", true, false)],
      "relations": [{"name": "countryTaxRates", "childAlias": "tax-rates", "isEditable": true,
        "relationFieldMapping": [{"childFieldName": "fk_country", "parentFieldName": "id_country"}]}]}})
}

#[tokio::test]
async fn tables_and_columns_are_introspected() {
    for shop in shops().await {
        let db = shop.db().database();
        let tables = schema::tables(db).await.expect("tables");
        for table in ["countries", "tax_rates", "customers", "products"] {
            assert!(tables.iter().any(|t| t == table), "{table} in {tables:?}");
        }
        assert!(
            !tables
                .iter()
                .any(|t| t.starts_with("sqlite_") || t == "_sqlx_migrations")
        );
        let columns = schema::columns(db, "tax_rates").await.expect("columns");
        let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["id_tax_rate", "fk_country", "name", "rate"]);
        assert!(columns[0].primary_key && columns[0].generated());
        assert!(!columns[1].nullable && !columns[1].generated());
        assert!(columns[3].fits(glue_data_exchange::FieldType::Decimal));
        assert!(!columns[2].fits(glue_data_exchange::FieldType::Integer));
        assert!(
            schema::columns(db, "no_such_table")
                .await
                .expect("columns")
                .is_empty()
        );
    }
}

#[tokio::test]
async fn configurations_are_checked_against_the_live_schema() {
    for shop in shops().await {
        let db = shop.db().database();
        let configuration = Configuration::from_json(&countries()).expect("it reads");
        assert_eq!(configuration.problems(), []);
        assert_eq!(
            schema::check(db, &configuration).await.expect("checked"),
            []
        );

        let mut broken = countries();
        broken["tableName"] = json!("nations");
        let problems = schema::check(db, &Configuration::from_json(&broken).unwrap())
            .await
            .expect("checked");
        assert_eq!(problems[0].pointer, "/tableName");

        let mut broken = countries();
        broken["definition"]["fields"][1]["fieldName"] = json!("iso_code");
        broken["definition"]["fields"][3]["type"] = json!("integer");
        let problems = schema::check(db, &Configuration::from_json(&broken).unwrap())
            .await
            .expect("checked");
        let pointers: Vec<&str> = problems.iter().map(|p| p.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/definition/fields/1/fieldName",
                "/definition/fields/3/type",
                // iso2_code now has no creatable field, and takes no null.
                "/definition/fields",
            ]
        );
    }
}

#[tokio::test]
async fn configurations_are_stored_with_a_version() {
    for shop in shops().await {
        let storage = Storage::install(shop.db().database())
            .await
            .expect("installed");
        // Installing again keeps what is there.
        let storage_again = Storage::install(shop.db().database()).await.expect("again");
        let start = storage.version().await.expect("a version");
        let configuration = Configuration::from_json(&countries()).expect("it reads");
        storage.save(&configuration).await.expect("saved");
        assert_eq!(
            storage_again.get("countries").await.expect("read"),
            Some(configuration.clone())
        );
        let mut inactive = configuration.clone();
        inactive.is_active = false;
        storage.save(&inactive).await.expect("saved again");
        assert_eq!(storage.all().await.expect("all"), [inactive]);
        assert_eq!(storage.version().await.expect("a version"), start + 2);
        assert!(storage.delete("countries").await.expect("deleted"));
        assert!(
            !storage
                .delete("countries")
                .await
                .expect("nothing to delete")
        );
        assert_eq!(storage.get("countries").await.expect("read"), None);
        assert_eq!(storage.version().await.expect("a version"), start + 4);
    }
}
