//! Parameters of a statement built at run time (filters that depend on the request): each value
//! pushed answers its placeholder (`$1`, `$2`, …), and the list goes to tokio-postgres as is.

use tokio_postgres::types::ToSql;

/// The values of a dynamic statement, in placeholder order.
#[derive(Default)]
pub struct Args(Vec<Box<dyn ToSql + Sync + Send>>);

impl Args {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `v`; answers its placeholder (`$n`).
    pub fn push<T: ToSql + Sync + Send + 'static>(&mut self, v: T) -> String {
        self.0.push(Box::new(v));
        format!("${}", self.0.len())
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The values as tokio-postgres takes them.
    pub fn refs(&self) -> Vec<&(dyn ToSql + Sync)> {
        self.0.iter().map(|b| &**b as &(dyn ToSql + Sync)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_count_up() {
        let mut a = Args::new();
        assert_eq!(a.push(1i64), "$1");
        assert_eq!(a.push("x".to_string()), "$2");
        assert_eq!(a.refs().len(), 2);
    }
}
