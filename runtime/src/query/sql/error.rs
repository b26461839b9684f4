//! The errors of resolving and compiling a filter, rule or sort. Messages reproduce
//! PocketBase's raw texts (`invalid left operand "x" - unknown field "x"`), because rule
//! validation shows them; the HTTP layer maps every client-filter error to a generic 400.
//! See `../shared/spec/filters-and-rules.md` §4 and §8.

use crate::query::filter::FilterError;

/// Which side of a comparison failed to resolve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The left operand.
    Left,
    /// The right operand.
    Right,
}

impl Side {
    fn as_str(self) -> &'static str {
        match self {
            Side::Left => "left",
            Side::Right => "right",
        }
    }
}

/// Why a filter, rule or sort could not be compiled.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum QueryError {
    /// The text does not parse.
    #[error(transparent)]
    Parse(#[from] FilterError),
    /// An operand does not resolve (`invalid left operand "x" - unknown field "x"`).
    #[error("invalid {} operand {literal:?} - {reason}", side.as_str())]
    Operand {
        /// Which operand.
        side: Side,
        /// The operand as PocketBase names it (identifier, function name, text or number).
        literal: String,
        /// Why.
        reason: ResolveError,
    },
    /// A sort item that is not a plain column expression.
    #[error("invalid sort field {0:?}")]
    InvalidSortField(String),
    /// The list rule of a collection joined by a client filter does not compile.
    #[error("failed to build {collection:?} ListRule join subquery filter expression: {source}")]
    ListRuleJoin {
        /// The joined collection.
        collection: String,
        /// Why its rule failed.
        source: Box<QueryError>,
    },
}

/// Why one identifier or function operand does not resolve; the texts are PocketBase's.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ResolveError {
    /// Not one of the allowed identifier shapes, or a path part that names nothing.
    #[error("failed to resolve field {0:?}")]
    FailedToResolve(String),
    /// The last path part names no field.
    #[error("unknown field {0:?}")]
    UnknownField(String),
    /// A hidden field in a client filter.
    #[error("non-filterable field {0:?}")]
    NonFilterable(String),
    /// A hidden back-relation field in a client filter.
    #[error("non-filterable back relation field {0:?}")]
    NonFilterableBackRelation(String),
    /// `@collection.<name>` names no collection.
    #[error("failed to load collection {name:?} from field path {path:?}")]
    CollectionNotFound {
        /// The `name[:alias]` part.
        name: String,
        /// The whole identifier.
        path: String,
    },
    /// A relation field whose target collection is gone.
    #[error("failed to load field {0:?} collection")]
    RelationCollectionNotFound(String),
    /// `@request.body.rel.*` whose target collection is gone.
    #[error("failed to load collection {collection:?} from data field {field:?}")]
    BodyRelationCollectionNotFound {
        /// The target collection id.
        collection: String,
        /// The relation field.
        field: String,
    },
    /// `x_via_y` whose collection `x` does not exist.
    #[error("failed to load back relation field {0:?} collection")]
    BackRelationCollectionNotFound(String),
    /// `x_via_y` whose field `y` does not exist.
    #[error("missing back relation field {0:?}")]
    BackRelationFieldNotFound(String),
    /// `x_via_y` whose field `y` is not a relation.
    #[error("invalid back relation field {0:?}")]
    NotABackRelation(String),
    /// `x_via_y` whose relation `y` points at another collection.
    #[error("invalid collection reference of a back relation field {0:?}")]
    BackRelationElsewhere(String),
    /// A middle path part that is a field but not a relation.
    #[error("field {0:?} is not a valid relation")]
    NotARelation(String),
    /// More than six relation hops.
    #[error("max nested relations reached for field {0:?}")]
    TooManyRelations(String),
    /// `x:unknown`.
    #[error("unknown modifier in {0:?}")]
    UnknownModifier(String),
    /// A modifier other than `:isset`/`:lower` on a static `@request.*` value.
    #[error("invalid modifier sequence {0}")]
    InvalidModifierSequence(String),
    /// `:each`/`:length` on a body key whose field is not a select, relation or file.
    #[error("field {0:?} doesn't support multivalue operations")]
    NotMultiValued(String),
    /// A client filter traverses into a collection whose list rule is `null`.
    #[error("{0:?} fields can be accessed only when allowHiddenFields is enabled or by superusers")]
    SuperusersOnly(String),
    /// A function call PocketBase rejects (name, arguments), with its own wording.
    #[error("{0}")]
    Function(String),
    /// The `:changed` expansion failed to compile.
    #[error("{0}")]
    Changed(Box<QueryError>),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operand_errors_read_like_pocketbase() {
        let error = QueryError::Operand {
            side: Side::Left,
            literal: "nofield".to_owned(),
            reason: ResolveError::UnknownField("nofield".to_owned()),
        };
        assert_eq!(
            error.to_string(),
            r#"invalid left operand "nofield" - unknown field "nofield""#
        );
        let error = QueryError::Operand {
            side: Side::Right,
            literal: "@collection.nope.id".to_owned(),
            reason: ResolveError::CollectionNotFound {
                name: "nope".to_owned(),
                path: "@collection.nope.id".to_owned(),
            },
        };
        assert_eq!(
            error.to_string(),
            r#"invalid right operand "@collection.nope.id" - failed to load collection "nope" from field path "@collection.nope.id""#
        );
        assert_eq!(
            QueryError::InvalidSortField("x".to_owned()).to_string(),
            r#"invalid sort field "x""#
        );
    }
}
