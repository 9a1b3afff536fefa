"""load_template: parsing, the SAM transform, parameters, conditions and creation order."""

from __future__ import annotations

import gc
import os
import textwrap
from pathlib import Path

import pytest

from emulator.config import Settings
from emulator.errors import TemplateError
from emulator.template import Template, load_template
from emulator.template_yaml import parse_text

TEMPLATES = Path(__file__).resolve().parent / "templates"
SAM_APP = TEMPLATES / "sam_app" / "template.yaml"
CFN_PLAIN = TEMPLATES / "cfn_plain" / "template.json"


def write(tmp_path: Path, text: str, name: str = "template.yaml") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def load(path: Path, **settings: object) -> Template:
    return load_template(path, Settings(**settings))  # type: ignore[arg-type]


def load_error(path: Path, **settings: object) -> str:
    with pytest.raises(TemplateError) as info:
        load(path, **settings)
    return str(info.value)


# -- parsing ----------------------------------------------------------------------------

def test_short_form_tags_become_long_form_intrinsics(tmp_path: Path) -> None:
    path = write(tmp_path, """\
        Resources:
          Topic:
            Type: AWS::SNS::Topic
            Properties:
              A: !Ref AWS::Region
              B: !GetAtt Db.Endpoint.Address
              C: !Sub ["${X}", {X: !Join ["-", [a, b]]}]
              D: !If [Cond, !Select [0, !Split [",", "a,b"]], !FindInMap [M, k, v]]
              E: !Base64 {"Fn::GetAZs": ""}
              F: !ImportValue other
              G: !Equals [!And [!Or [!Not [!Condition C]]], x]
              H: !Cidr [10.0.0.0/16, 2, 8]
              I: !Transform {Name: M}
    """)
    properties = parse_text(path.read_text(), path)["Resources"]["Topic"]["Properties"]
    assert properties["A"] == {"Ref": "AWS::Region"}
    assert properties["B"] == {"Fn::GetAtt": ["Db", "Endpoint.Address"]}
    assert properties["C"] == {"Fn::Sub": ["${X}", {"X": {"Fn::Join": ["-", ["a", "b"]]}}]}
    assert properties["D"]["Fn::If"][1] == {"Fn::Select": [0, {"Fn::Split": [",", "a,b"]}]}
    assert properties["D"]["Fn::If"][2] == {"Fn::FindInMap": ["M", "k", "v"]}
    assert properties["E"] == {"Fn::Base64": {"Fn::GetAZs": ""}}
    assert properties["F"] == {"Fn::ImportValue": "other"}
    assert properties["G"] == {"Fn::Equals": [
        {"Fn::And": [{"Fn::Or": [{"Fn::Not": [{"Condition": "C"}]}]}]}, "x"]}
    assert properties["H"] == {"Fn::Cidr": ["10.0.0.0/16", 2, 8]}
    assert properties["I"] == {"Fn::Transform": {"Name": "M"}}


def test_unquoted_template_version_date_stays_a_string(tmp_path: Path) -> None:
    path = write(tmp_path, "AWSTemplateFormatVersion: 2010-09-09\nResources: {}\n")
    assert parse_text(path.read_text(), path)["AWSTemplateFormatVersion"] == "2010-09-09"


def test_bad_yaml_reports_the_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "Resources:\n  A:\n    Type: [unclosed\n  B: 1\n")
    message = load_error(path)
    assert message.startswith(f"{path}: invalid YAML at line 4")
    assert "\n" not in message


def test_duplicate_keys_are_rejected_with_their_line(tmp_path: Path) -> None:
    topic = "{Type: AWS::SNS::Topic}"
    path = write(tmp_path, f"Resources:\n  A: {topic}\n  A: {topic}\n")
    assert "line 3" in load_error(path) and "duplicate key 'A'" in load_error(path)


def test_bad_json_reports_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, '{\n  "Resources": {\n    "A": 1,\n  }\n}\n', "template.json")
    assert "invalid JSON at line 4" in load_error(path)


def test_a_template_without_resources_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, "Resources: {}\n")
    assert "At least one Resources member must be defined" in load_error(path)


def test_a_missing_template_file_is_an_error(tmp_path: Path) -> None:
    assert "template file not found" in load_error(tmp_path / "nope.yaml")


# -- stack name -------------------------------------------------------------------------

def test_stack_name_defaults_to_the_sanitised_folder_name(tmp_path: Path) -> None:
    body = "Resources:\n  T: {Type: AWS::SNS::Topic}\n"
    assert load(write(tmp_path / "my_app v2", body)).stack_name == "my-app-v2"
    assert load(write(tmp_path / "2024_shop", body)).stack_name == "stack-2024-shop"
    assert load(CFN_PLAIN).stack_name == "cfn-plain"


def test_stack_name_setting_wins_and_is_validated(tmp_path: Path) -> None:
    path = write(tmp_path, "Resources:\n  T: {Type: AWS::SNS::Topic}\n")
    assert load(path, stack_name="orders-dev").stack_name == "orders-dev"
    assert "must satisfy regular expression pattern" in load_error(path, stack_name="bad_name")


# -- parameters -------------------------------------------------------------------------

PARAMETERS = """\
    Parameters:
      Stage:
        Type: String
        Default: dev
        AllowedValues: [dev, prod]
      Size:
        Type: Number
        Default: 3
        MaxValue: 10
      Zones:
        Type: CommaDelimitedList
        Default: "a,b"
        AllowedValues: [a, b, c]
      Prefix:
        Type: String
        Default: app
        AllowedPattern: "[a-z]+"
        ConstraintDescription: lower-case letters only
      Secret:
        Type: AWS::SSM::Parameter::Value<String>
        Default: /shop/secret
    Resources:
      T: {Type: AWS::SNS::Topic}
"""


def test_parameters_take_defaults_then_overrides(tmp_path: Path) -> None:
    template = load(write(tmp_path, PARAMETERS),
                    parameter_overrides={"Stage": "prod", "Zones": "c,a"})
    assert dict(template.parameters) == {"Stage": "prod", "Size": "3", "Zones": "c,a",
                                         "Prefix": "app", "Secret": "/shop/secret"}
    assert template.parameter_types["Zones"] == "CommaDelimitedList"


def test_an_unknown_override_is_a_warning(tmp_path: Path) -> None:
    template = load(write(tmp_path, PARAMETERS), parameter_overrides={"Nope": "x"})
    assert any("parameter override Nope is not declared" in w for w in template.warnings)


def test_ssm_parameter_types_warn_and_use_the_value_given(tmp_path: Path) -> None:
    template = load(write(tmp_path, PARAMETERS))
    assert any("Secret" in w and "SSM Parameter Store" in w for w in template.warnings)


@pytest.mark.parametrize(("overrides", "expected"), [
    ({"Stage": "qa"}, "Stage: Parameter 'Stage' must be one of AllowedValues"),
    ({"Zones": "a,z"}, "Zones: Parameter 'Zones' must be one of AllowedValues"),
    ({"Size": "ten"}, "Size: Parameter 'Size' must be a number"),
    ({"Size": "11"}, "Size: Parameter 'Size' must be a number not greater than 10"),
    ({"Prefix": "App1"},
     "Prefix: Parameter 'Prefix' failed to satisfy constraint: lower-case letters only"),
])
def test_parameter_constraints_are_enforced(tmp_path: Path, overrides: dict[str, str],
                                            expected: str) -> None:
    assert expected in load_error(write(tmp_path, PARAMETERS), parameter_overrides=overrides)


def test_a_parameter_without_a_value_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, """\
        Parameters:
          Domain: {Type: String}
        Resources:
          T: {Type: AWS::SNS::Topic}
    """)
    assert load_error(path) == f"{path}: Domain: Parameters: [Domain] must have values"
    assert load(path, parameter_overrides={"Domain": "x.com"}).parameters["Domain"] == "x.com"


# -- conditions -------------------------------------------------------------------------

CONDITIONS = """\
    Parameters:
      Stage: {Type: String, Default: dev}
    Conditions:
      IsProd: !Equals [!Ref Stage, prod]
      InUsEast: !Equals [!Ref "AWS::Region", us-east-1]
      ProdInUsEast: !And [!Condition IsProd, !Condition InUsEast]
      NotProd: !Not [!Condition IsProd]
    Resources:
      Alarms:
        Type: AWS::SNS::Topic
        Condition: ProdInUsEast
      Logs:
        Type: AWS::Logs::LogGroup
        Properties:
          Tags: !If [ProdInUsEast, [{Key: topic, Value: !Ref Alarms}], !Ref "AWS::NoValue"]
    Outputs:
      AlarmTopic:
        Condition: ProdInUsEast
        Value: !Ref Alarms
      Always:
        Value: !If [NotProd, dev-mode, !If [ProdInUsEast, !Ref Alarms, none]]
"""


def test_conditions_are_evaluated_and_false_resources_and_outputs_dropped(tmp_path: Path) -> None:
    template = load(write(tmp_path, CONDITIONS))
    assert dict(template.conditions) == {"IsProd": False, "InUsEast": True,
                                         "ProdInUsEast": False, "NotProd": True}
    assert list(template.resources) == ["Logs"]
    assert list(template.outputs) == ["Always"]


def test_conditions_follow_parameter_overrides_and_region(tmp_path: Path) -> None:
    path = write(tmp_path, CONDITIONS)
    prod = load(path, parameter_overrides={"Stage": "prod"})
    assert list(prod.resources) == ["Alarms", "Logs"]
    assert prod.resources["Logs"].depends_on == ("Alarms",)
    elsewhere = load(path, parameter_overrides={"Stage": "prod"}, region="eu-west-1")
    assert "Alarms" not in elsewhere.resources


def test_a_ref_outside_fn_if_to_a_dropped_resource_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, CONDITIONS + "      Bad:\n        Value: !Ref Alarms\n")
    assert "Bad: Unresolved resource dependencies [Alarms] in the Outputs block" in \
        load_error(path)


def test_conditions_may_not_refer_to_resources(tmp_path: Path) -> None:
    path = write(tmp_path, """\
        Conditions:
          C: !Equals [!Ref T, x]
        Resources:
          T: {Type: AWS::SNS::Topic}
    """)
    assert "C: Ref to T: Conditions cannot refer to resources" in load_error(path)


def test_a_resource_naming_an_unknown_condition_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "Resources:\n  T: {Type: AWS::SNS::Topic, Condition: Nope}\n")
    assert "T: Condition Nope is not defined in Conditions" in load_error(path)


def test_circular_conditions_are_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, """\
        Conditions:
          A: !Not [!Condition B]
          B: !Not [!Condition A]
        Resources:
          T: {Type: AWS::SNS::Topic}
    """)
    assert "Circular dependency between conditions: [A, B, A]" in load_error(path)


# -- references and order ---------------------------------------------------------------

def test_resources_are_ordered_by_every_kind_of_reference(tmp_path: Path) -> None:
    path = write(tmp_path, """\
        Resources:
          Sub:
            Type: AWS::SSM::Parameter
            Properties: {Value: !Sub "${Queue.Arn} ${!Literal} ${AWS::Region}"}
          Queue:
            Type: AWS::SQS::Queue
            DependsOn: Topic
          Topic:
            Type: AWS::SNS::Topic
            Properties:
              TopicName: !Sub ["${X}", {X: !GetAtt Bucket.Arn}]
          Bucket:
            Type: AWS::S3::Bucket
    """)
    template = load(path)
    assert list(template.resources) == ["Bucket", "Topic", "Queue", "Sub"]
    assert template.resources["Sub"].depends_on == ("Queue",)
    assert template.resources["Queue"].depends_on == ("Topic",)
    assert template.resources["Topic"].depends_on == ("Bucket",)


@pytest.mark.parametrize(("value", "expected"), [
    ("!Ref Missing", "T: Unresolved resource dependencies [Missing] in the Resources block "
                     "of the template: Ref to Missing, not a resource or parameter"),
    ("!GetAtt Missing.Arn", "T: Unresolved resource dependencies [Missing]"),
    ("!Sub '${Missing}'", "T: Unresolved resource dependencies [Missing]"),
    ("!GetAtt Stage.Arn", "GetAtt to Stage, a parameter, which has no attributes"),
])
def test_references_to_nothing_name_the_referring_resource(tmp_path: Path, value: str,
                                                          expected: str) -> None:
    path = write(tmp_path, f"""\
        Parameters:
          Stage: {{Type: String, Default: dev}}
        Resources:
          T:
            Type: AWS::SNS::Topic
            Properties: {{TopicName: {value}}}
    """)
    assert expected in load_error(path)


def test_depends_on_an_unknown_resource_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "Resources:\n  T: {Type: AWS::SNS::Topic, DependsOn: [Ghost]}\n")
    assert "T: Unresolved resource dependencies [Ghost]" in load_error(path)


def test_a_dependency_cycle_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, """\
        Resources:
          Solo: {Type: AWS::SNS::Topic}
          A: {Type: AWS::SNS::Topic, Properties: {TopicName: !GetAtt B.TopicName}}
          B: {Type: AWS::SNS::Topic, DependsOn: C}
          C: {Type: AWS::SNS::Topic, Properties: {TopicName: !Sub "${A}"}}
    """)
    assert load_error(path) == f"{path}: A: Circular dependency between resources: [A, B, C]"


# -- warnings ---------------------------------------------------------------------------

def test_unsupported_types_and_transforms_are_warnings(tmp_path: Path) -> None:
    path = write(tmp_path, """\
        Transform: [AWS::LanguageExtensions]
        Resources:
          Network: {Type: AWS::EC2::VPC}
    """)
    warnings = load(path).warnings
    assert "Network: AWS::EC2::VPC is not emulated; Ref and Fn::GetAtt give placeholder " \
           "values" in warnings
    assert "transform AWS::LanguageExtensions is not applied by the emulator" in warnings


def test_sam_resources_without_the_transform_are_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "Resources:\n  F: {Type: AWS::Serverless::Function}\n")
    assert "Unrecognized resource types: [AWS::Serverless::Function]" in load_error(path)


# -- SAM transform and local artifacts --------------------------------------------------

def test_sam_app_is_transformed_with_implicit_apis_and_their_stages() -> None:
    template = load(SAM_APP)
    types = {lid: res.type for lid, res in template.resources.items()}
    assert types["ServerlessRestApi"] == "AWS::ApiGateway::RestApi"
    assert types["ServerlessRestApiProdStage"] == "AWS::ApiGateway::Stage"
    assert types["ServerlessHttpApi"] == "AWS::ApiGatewayV2::Api"
    assert template.resources["ServerlessHttpApiApiGatewayDefaultStage"] \
        .properties["StageName"] == "$default"
    assert types["ItemsFunction"] == "AWS::Lambda::Function"
    assert "Queue" not in types  # IsProd is false for the default Stage
    order = list(template.resources)
    assert order.index("Table") < order.index("ItemsFunction") < order.index("ServerlessRestApi")


def test_local_code_uris_are_remembered_per_function_and_layer() -> None:
    template = load(SAM_APP)
    app = SAM_APP.parent
    locations = dict(template.code_locations)
    assert locations["ItemsFunction"] == app / "src"  # from Globals
    assert locations["OrdersFunction"] == app / "orders"
    layers = {lid: path for lid, path in locations.items() if lid.startswith(("Deps", "Vendor"))}
    assert sorted(layers.values()) == [app / "layers" / "deps", app / "layers" / "vendor"]
    deps_id = next(lid for lid, path in layers.items() if path.name == "deps")
    assert template.resources[deps_id].type == "AWS::Lambda::LayerVersion"
    assert template.resources[deps_id].metadata["BuildMethod"] == "python3.11"


def test_a_function_without_code_uri_uses_the_template_folder(tmp_path: Path) -> None:
    path = write(tmp_path, """\
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Fn: {Type: AWS::Serverless::Function, Properties: {Handler: a.b, Runtime: python3.12}}
    """)
    assert load(path).code_locations["Fn"] == tmp_path.resolve()


def test_a_local_definition_uri_is_inlined_with_a_warning_about_intrinsics() -> None:
    template = load(SAM_APP)
    body = template.resources["OrdersApi"].properties["Body"]
    uri = body["paths"]["/orders"]["post"]["x-amazon-apigateway-integration"]["uri"]
    assert "${OrdersFunction.Arn}" in uri["Fn::Sub"]
    assert any("DefinitionUri openapi/orders.yaml uses intrinsic functions" in w
               for w in template.warnings)


def test_aws_include_in_a_definition_body_is_inlined() -> None:
    body = load(SAM_APP).resources["AdminApi"].properties["Body"]
    assert "/admin/stats" in body["paths"]


def test_a_missing_include_file_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, """\
        Resources:
          T:
            Type: AWS::SNS::Topic
            Properties:
              Fn::Transform: {Name: AWS::Include, Parameters: {Location: nope.yaml}}
    """)
    assert "cannot read" in load_error(path) and "nope.yaml" in load_error(path)


def test_plain_cloudformation_skips_the_transform_and_keeps_local_code() -> None:
    template = load(CFN_PLAIN)
    assert list(template.resources) == ["Role", "Notes", "Handler", "Api", "Deployment"]
    assert template.code_locations["Handler"] == CFN_PLAIN.parent / "src"
    assert template.resources["Handler"].depends_on == ("Notes", "Role")


def test_sam_errors_become_one_line_errors_naming_the_resource(tmp_path: Path) -> None:
    path = write(tmp_path, """\
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              Handler: a.b
              Runtime: python3.12
              DeploymentPreference: {Type: Linear10PercentEvery1Minute}
    """)
    assert load_error(path) == (f"{path}: Fn: SAM transform failed: 'DeploymentPreference' "
                                "requires AutoPublishAlias property to be specified.")


def test_parameter_overrides_reach_the_sam_transform_with_lists_as_lists() -> None:
    template = load(SAM_APP, parameter_overrides={"Stage": "prod", "Origins": "x.com,y.com"})
    cors = template.resources["AdminApi"].properties["Body"]["x-amazon-apigateway-cors"]
    assert cors["allowOrigins"] == ["x.com", "y.com"]
    assert "Queue" in template.resources


def test_the_region_variable_is_not_left_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    load(SAM_APP, region="eu-west-1")
    assert "AWS_DEFAULT_REGION" not in os.environ


def test_seed_folders_come_from_the_emulator_metadata(tmp_path: Path) -> None:
    path = write(tmp_path, """\
        Metadata:
          Emulator:
            Seed: [fixtures/dev, ../shared]
        Resources:
          T: {Type: AWS::SNS::Topic}
    """)
    assert load(path).seed_dirs == (tmp_path.resolve() / "fixtures" / "dev",
                                    tmp_path.resolve().parent / "shared")
    assert load(CFN_PLAIN).seed_dirs == ()


def test_a_remote_include_is_left_out_with_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, """\
        Resources:
          T:
            Type: AWS::SNS::Topic
            Properties:
              TopicName: t
              Fn::Transform: {Name: AWS::Include, Parameters: {Location: "s3://b/k.yaml"}}
    """)
    template = load(path)
    assert dict(template.resources["T"].properties) == {"TopicName": "t"}
    assert "AWS::Include of 's3://b/k.yaml' cannot be read offline; it was left out" in \
        template.warnings


def test_a_missing_definition_uri_file_names_the_api(tmp_path: Path) -> None:
    path = write(tmp_path, """\
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Api:
            Type: AWS::Serverless::Api
            Properties: {StageName: v1, DefinitionUri: missing.yaml}
    """)
    assert "Api: DefinitionUri missing.yaml: cannot read" in load_error(path)


def test_the_offline_transform_logs_no_hosted_service_noise(
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING"):
        load(SAM_APP)
        gc.collect()
    assert [r.getMessage() for r in caplog.records if r.name.startswith("samtranslator")] == []
