//! `Widget::size` was `Option<i32>`: code that reads it as such no longer
//! compiles once its format is `int64`.

/// The widget's size, as the old crate types it.
pub fn size(widget: &shop::models::Widget) -> Option<i32> {
    widget.size
}
