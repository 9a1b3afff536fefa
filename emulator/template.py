"""SAM / CloudFormation template loading.  INTERFACE STUB - to be implemented.

Contract (other modules code against exactly these names):

    @dataclass(frozen=True)
    class Resource:
        logical_id: str
        type: str                      # "AWS::DynamoDB::Table", ...
        properties: Mapping[str, Any]  # raw, intrinsics NOT resolved
        depends_on: tuple[str, ...]    # DependsOn + every Ref/GetAtt/Sub target
        metadata: Mapping[str, Any]

    @dataclass(frozen=True)
    class Template:
        path: Path                     # absolute path of template.yaml
        stack_name: str
        region: str
        account_id: str
        parameters: Mapping[str, str]  # resolved values (defaults + overrides), as strings
        conditions: Mapping[str, bool]
        resources: Mapping[str, Resource]  # post-SAM-transform, Condition-false removed,
                                           # in dependency (topological) order
        outputs: Mapping[str, Mapping[str, Any]]   # raw Outputs section (Condition-false removed)
        mappings: Mapping[str, Any]
        code_locations: Mapping[str, Path]         # function/layer logical id -> local dir
        warnings: tuple[str, ...]

    def load_template(path: Path | str, settings: Settings) -> Template
        # parses YAML (short-form tags) or JSON, inlines local DefinitionUri/DefinitionBody
        # includes, runs the SAM transform offline, evaluates Parameters and Conditions.
        # Raises TemplateError (one line: path: LogicalId: message).

    class Resolver:
        def __init__(self, template: Template,
                     registry: Mapping[str, PhysicalResource]) -> None
        def resolve(self, value: Any, *, logical_id: str | None = None) -> Any
            # resolves Ref, Fn::GetAtt, Fn::Sub, Fn::Join, Fn::If, Fn::Select, Fn::Split,
            # Fn::FindInMap, Fn::Base64, Fn::GetAZs, Fn::Equals/And/Or/Not, Condition,
            # AWS::NoValue, pseudo parameters; Fn::ImportValue -> TemplateError.

    def default_physical_resource(template: Template, resource: Resource,
                                  resolved_properties: Mapping[str, Any]) -> PhysicalResource
        # the name/ARN CloudFormation would give a resource the emulator does not create
        # itself (and the naming rule provisioners use when a name property is absent).

    def build_stack(template: Template, registry: Mapping[str, PhysicalResource]) -> Stack
"""
