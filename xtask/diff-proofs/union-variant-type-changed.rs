//! `Quantity::Integer` held an `i64`: code that reads it as such no longer
//! compiles once the alternative is `int32`.

/// The count, as the old crate types it.
pub fn count(quantity: &shop::models::Quantity) -> Option<i64> {
    match quantity {
        shop::models::Quantity::Integer(n) => Some(*n),
        _ => None,
    }
}
