//! An immutable snapshot of every collection with PocketBase's lookup rule: a path segment
//! names a collection by id or name, compared case-insensitively, first match in creation
//! order wins. The app swaps in a new snapshot after each schema change.

use std::collections::HashMap;
use std::sync::Arc;

use super::Collection;

/// All collections at one point in time.
#[derive(Debug, Default)]
pub struct CollectionSet {
    list: Vec<Arc<Collection>>,
    by_key: HashMap<String, usize>,
}

impl CollectionSet {
    /// Indexes `collections` (in creation order).
    pub fn new(collections: Vec<Collection>) -> Self {
        let list: Vec<Arc<Collection>> = collections.into_iter().map(Arc::new).collect();
        let mut by_key = HashMap::with_capacity(list.len() * 2);
        for (index, collection) in list.iter().enumerate() {
            by_key.entry(collection.id.to_lowercase()).or_insert(index);
            by_key.entry(collection.name.to_lowercase()).or_insert(index);
        }
        Self { list, by_key }
    }

    /// The collection named `name_or_id` (id or name, any case).
    pub fn find(&self, name_or_id: &str) -> Option<&Arc<Collection>> {
        let index = match self.by_key.get(name_or_id) {
            Some(index) => *index,
            None => *self.by_key.get(&name_or_id.to_lowercase())?,
        };
        self.list.get(index)
    }

    /// Every collection in creation order.
    pub fn all(&self) -> &[Arc<Collection>] {
        &self.list
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CollectionType;

    #[test]
    fn finds_by_id_or_name_case_insensitively() {
        let set = CollectionSet::new(vec![
            Collection::new(CollectionType::Base, "posts"),
            Collection::new(CollectionType::Auth, "users"),
        ]);
        assert_eq!(set.find("POSTS").map(|c| c.name.as_str()), Some("posts"));
        let id = set.find("users").map(|c| c.id.clone()).unwrap();
        assert_eq!(set.find(&id.to_uppercase()).map(|c| c.name.as_str()), Some("users"));
        assert!(set.find("nope").is_none());
    }
}
