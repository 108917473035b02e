//! The shop's Data Exchange API (SPEC §9, §11.2): `countries` and `tax-rates`, configured on
//! first start, with the relation `countryTaxRates`.

use glue_data_exchange::{Configuration, DataExchange};
use serde_json::{Value, json};

use crate::db::Db;

/// A field of a configuration.
fn field(name: &str, ty: &str, creatable: bool, editable: bool, validation: &Value) -> Value {
    json!({"fieldName": name, "fieldVisibleName": name, "type": ty,
           "isCreatable": creatable, "isEditable": editable, "validation": validation})
}

/// `countries`: every column under its own name; the identifier neither creatable nor
/// editable; the codes and the name required; not deletable.
fn countries() -> Value {
    let text = |length: u32| json!({"isRequired": true, "minLength": length, "maxLength": length});
    json!({"tableAlias": "countries", "tableName": "countries", "isActive": true,
      "definition": {"identifier": "id_country", "isDeletable": false, "fields": [
        field("id_country", "integer", false, false, &json!({"isRequired": false})),
        field("iso2_code", "string", true, true, &text(2)),
        field("iso3_code", "string", true, true, &text(3)),
        field("name", "string", true, true, &json!({"isRequired": true, "maxLength": 255})),
        field("postal_code_mandatory", "boolean", true, true, &json!({"isRequired": false})),
        field("postal_code_regex", "string", true, true, &json!({"isRequired": false, "maxLength": 500}))],
      "relations": [{"name": "countryTaxRates", "childAlias": "tax-rates", "isEditable": true,
        "relationFieldMapping": [{"childFieldName": "fk_country", "parentFieldName": "id_country"}]}]}})
}

/// `tax-rates`: deletable.
fn tax_rates() -> Value {
    json!({"tableAlias": "tax-rates", "tableName": "tax_rates", "isActive": true,
      "definition": {"identifier": "id_tax_rate", "isDeletable": true, "fields": [
        field("id_tax_rate", "integer", false, false, &json!({"isRequired": false})),
        field("fk_country", "integer", true, true, &json!({"isRequired": true})),
        field("name", "string", true, true, &json!({"isRequired": true, "maxLength": 255})),
        field("rate", "decimal", true, true, &json!({"isRequired": true, "precision": 8, "scale": 2}))]}})
}

/// The API over the shop's database, with the two configurations saved when missing.
///
/// # Errors
///
/// When the database cannot be read or written.
pub async fn open(db: &Db) -> Result<DataExchange, sqlx::Error> {
    // Credentials and secrets stay out of reach of any configuration.
    let exchange = DataExchange::open(db.database()).await?.protect([
        "back_office_users",
        "refresh_tokens",
        "api_keys",
        "customers.password_hash",
    ]);
    let storage = exchange.registry().storage();
    let mut added = false;
    for value in [countries(), tax_rates()] {
        let configuration = Configuration::from_json(&value)
            .map_err(|problem| sqlx::Error::Protocol(problem.message))?;
        if storage.get(&configuration.table_alias).await?.is_none() {
            storage.save(&configuration).await?;
            added = true;
        }
    }
    if added {
        exchange.registry().reload().await?;
    }
    Ok(exchange)
}
