from django.apps import AppConfig


class PluginConfig(AppConfig):
    name = "tests.plugin"
    label = "test_plugin"

    def ready(self) -> None:
        from agencies.adapters import register_builder
        from declarations import registry

        from . import filing

        registry.register_category(filing.CATEGORY)
        registry.register_rule(filing.RULE)
        registry.register_listener(filing.LISTENER)
        register_builder(filing.SAMPLE, filing.build_message)
