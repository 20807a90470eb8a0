//! The rules on objects that are not pods and not RBAC: exposure ([`exposure`]:
//! Services, Ingresses, routes), secrets and configuration ([`secrets`]), admission
//! webhooks and `APIServices` ([`webhooks`]). Each rule reads one object; the
//! route rule also reads the Services of the whole scan ([`ServiceIndex`]).

use crate::exposure::{self, ServiceIndex};
use crate::hardening::Hit;
use crate::objects::Object;
use crate::{secrets, webhooks};
use stockade_source::context::Context;
use stockade_source::finding::Diagnostic;
use stockade_source::rule::RuleMeta;
use stockade_source::settings::Settings;

/// What a rule on one object sees.
pub struct Scanned<'a> {
    pub object: &'a Object<'a>,
    /// The Services of the scan (for the route rule).
    pub services: &'a ServiceIndex,
    pub config: &'a Settings,
}

/// A rule on one object.
pub struct ObjectRule {
    pub meta: &'static RuleMeta,
    pub check: fn(&Scanned<'_>, &mut Vec<Hit>),
    /// The kinds it reads, as `(group, kind)` (group `*`: any): it runs on
    /// objects of these kinds only, and such an object is checked, not listed as
    /// skipped. Empty: every kind (the annotation rule).
    pub kinds: &'static [(&'static str, &'static str)],
}

impl ObjectRule {
    /// Whether the rule runs on `object` (see [`ObjectRule::kinds`]).
    pub fn reads(&self, object: &Object<'_>) -> bool {
        self.kinds.is_empty() || self.reads_declared(object)
    }

    fn reads_declared(&self, object: &Object<'_>) -> bool {
        let group = object.group();
        self.kinds
            .iter()
            .any(|(g, k)| *k == object.kind && (*g == group || *g == "*"))
    }
}

/// The object rules, in id order.
pub static OBJECT_RULES: &[&ObjectRule] = &[
    &exposure::node_port::RULE,
    &exposure::load_balancer_source_ranges::RULE,
    &exposure::external_ips::RULE,
    &exposure::ingress_tls::RULE,
    &exposure::route_missing_service::RULE,
    &secrets::config_map_secret::RULE,
    &secrets::annotation_secret::RULE,
    &secrets::secret_literal_data::RULE,
    &webhooks::webhook_fail_open::RULE,
    &webhooks::api_service_insecure_tls::RULE,
];

/// Whether an object rule reads objects of this kind (the annotation rule reads
/// every kind and is not counted here).
pub fn reads_kind(object: &Object<'_>) -> bool {
    OBJECT_RULES.iter().any(|r| r.reads_declared(object))
}

/// Run the object rules on one object.
pub fn check(ctx: &mut Context<'_>, document: usize, object: &Object<'_>, services: &ServiceIndex) {
    let name = object.display_name();
    for rule in OBJECT_RULES {
        if !ctx.enabled(rule.meta) || !rule.reads(object) {
            continue;
        }
        let input = Scanned {
            object,
            services,
            config: ctx.config,
        };
        let mut hits = Vec::new();
        (rule.check)(&input, &mut hits);
        for hit in hits {
            ctx.report(
                Diagnostic::new(rule.meta, hit.loc.span, hit.message)
                    .in_document(document)
                    .with_object(name.clone())
                    .with_pointer(hit.loc.pointer),
            );
        }
    }
}
