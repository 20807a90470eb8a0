//! The Dockerfile pack as the engine dispatches it.

use stockade_pack::{Context, Input, Pack};
use stockade_source::rule::RuleMeta;
use stockade_source::source::Span;

/// Parses each Dockerfile as `BuildKit` does and runs the `DF` rules; publishes the
/// parsed file in conftest's shape for the policy packs after it.
#[derive(Debug, Clone, Copy, Default)]
pub struct DockerfilePack;

impl Pack for DockerfilePack {
    fn name(&self) -> &'static str {
        "dockerfile"
    }

    fn rules(&self) -> &'static [&'static RuleMeta] {
        crate::RULES
    }

    fn check(&self, input: Input<'_>, ctx: &mut Context<'_>) {
        let Input::Dockerfile(source) = input else {
            return;
        };
        let file = crate::check(source, ctx);
        ctx.publish(|| {
            let span = file
                .instructions
                .first()
                .map_or(Span::empty_at(0), |i| i.keyword_span);
            (crate::conftest::input(&file, source.text()), span)
        });
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
