//! The `limit` query parameter was an `i64`: passing one no longer compiles
//! once its format is `int32`.

/// Builds a listing request with the old parameter type.
pub fn page(client: &shop::Shop, size: i64) {
    let _request = client.widgets().list_widgets().limit(size);
}
