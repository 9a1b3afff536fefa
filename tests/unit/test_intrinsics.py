"""The intrinsic resolver: every function CloudFormation evaluates, on a hand-built template."""

from __future__ import annotations

import base64
import string
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulator.errors import TemplateError
from emulator.stack import PhysicalResource
from emulator.template import Resolver, Resource, Template, default_physical_resource

REGION = "us-east-1"
ACCOUNT = "123456789012"


def make_template(**overrides: Any) -> Template:
    resources = {
        "Table": Resource("Table", "AWS::DynamoDB::Table", {
            "TableName": "orders", "StreamSpecification": {"StreamViewType": "KEYS_ONLY"}}, ()),
        "Fn": Resource("Fn", "AWS::Lambda::Function", {"FunctionName": "orders-fn"}, ()),
        "Vpc": Resource("Vpc", "AWS::EC2::VPC", {}, ()),
    }
    fields: dict[str, Any] = {
        "path": Path("/app/template.yaml"),
        "stack_name": "shop",
        "region": REGION,
        "account_id": ACCOUNT,
        "parameters": {"Stage": "dev", "Origins": "a.com, b.com", "Count": "3",
                       "Empty": ""},
        "parameter_types": {"Stage": "String", "Origins": "CommaDelimitedList",
                            "Count": "Number", "Empty": "CommaDelimitedList"},
        "conditions": {"IsProd": False, "IsDev": True},
        "resources": resources,
        "outputs": {},
        "mappings": {"Stages": {"dev": {"Memory": 256, "Subnets": ["s-1", "s-2"]}}},
        "code_locations": {},
    }
    fields.update(overrides)
    return Template(**fields)


def make_registry(template: Template) -> dict[str, PhysicalResource]:
    return {lid: default_physical_resource(template, res, res.properties)
            for lid, res in template.resources.items()}


def resolve(value: Any, template: Template | None = None) -> Any:
    template = template or make_template()
    return Resolver(template, make_registry(template)).resolve(value, logical_id="Caller")


def error_of(value: Any) -> str:
    with pytest.raises(TemplateError) as info:
        resolve(value)
    return str(info.value)


# -- Ref and pseudo parameters -----------------------------------------------------------

def test_ref_to_a_resource_returns_its_physical_id() -> None:
    assert resolve({"Ref": "Table"}) == "orders"


def test_ref_to_a_string_parameter_returns_its_value() -> None:
    assert resolve({"Ref": "Stage"}) == "dev"


def test_ref_to_a_number_parameter_returns_a_string_as_cloudformation_does() -> None:
    assert resolve({"Ref": "Count"}) == "3"


def test_ref_to_a_comma_delimited_list_parameter_returns_a_list() -> None:
    assert resolve({"Ref": "Origins"}) == ["a.com", "b.com"]
    assert resolve({"Ref": "Empty"}) == []


@pytest.mark.parametrize(("name", "expected"), [
    ("AWS::Region", REGION),
    ("AWS::AccountId", ACCOUNT),
    ("AWS::StackName", "shop"),
    ("AWS::Partition", "aws"),
    ("AWS::URLSuffix", "amazonaws.com"),
    ("AWS::NotificationARNs", []),
])
def test_pseudo_parameters_have_their_aws_values(name: str, expected: Any) -> None:
    assert resolve({"Ref": name}) == expected


def test_stack_id_is_a_stable_cloudformation_stack_arn() -> None:
    value = resolve({"Ref": "AWS::StackId"})
    assert value.startswith(f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/shop/")
    assert len(value.rsplit("/", 1)[1]) == 36
    assert resolve({"Ref": "AWS::StackId"}) == value


def test_china_regions_use_their_partition_and_url_suffix() -> None:
    template = make_template(region="cn-north-1")
    assert resolve({"Ref": "AWS::Partition"}, template) == "aws-cn"
    assert resolve({"Ref": "AWS::URLSuffix"}, template) == "amazonaws.com.cn"


def test_no_value_removes_mapping_keys_and_list_items() -> None:
    value = {"Keep": 1, "Drop": {"Ref": "AWS::NoValue"},
             "List": ["a", {"Fn::If": ["IsProd", "b", {"Ref": "AWS::NoValue"}]}, "c"]}
    assert resolve(value) == {"Keep": 1, "List": ["a", "c"]}


def test_no_value_at_the_top_resolves_to_none() -> None:
    assert resolve({"Ref": "AWS::NoValue"}) is None


def test_ref_to_an_unknown_name_names_the_caller() -> None:
    message = error_of({"Ref": "Nope"})
    assert message == "/app/template.yaml: Caller: Ref to unknown resource or parameter Nope"


# -- Fn::GetAtt ------------------------------------------------------------------------

def test_getatt_accepts_the_list_form() -> None:
    assert resolve({"Fn::GetAtt": ["Fn", "Arn"]}) == \
        f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:orders-fn"


def test_getatt_accepts_the_dotted_string_form() -> None:
    assert resolve({"Fn::GetAtt": "Table.StreamArn"}) == \
        f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/orders/stream/2024-01-01T00:00:00.000"


def test_getatt_attribute_name_may_be_a_ref() -> None:
    template = make_template(parameters={"Attr": "Arn"}, parameter_types={"Attr": "String"})
    assert resolve({"Fn::GetAtt": ["Table", {"Ref": "Attr"}]}, template).endswith("table/orders")


def test_getatt_of_a_missing_attribute_names_resource_and_attribute() -> None:
    message = error_of({"Fn::GetAtt": ["Table", "Nope"]})
    assert "Caller: Fn::GetAtt Table.Nope" in message
    assert "has no attribute Nope" in message


def test_getatt_on_a_type_that_is_not_emulated_gives_a_placeholder() -> None:
    value = resolve({"Fn::GetAtt": ["Vpc", "CidrBlock"]})
    assert value.startswith("shop-Vpc-") and value.endswith(".CidrBlock")


# -- Fn::Sub ----------------------------------------------------------------------------

def test_sub_resolves_refs_pseudo_parameters_and_attributes() -> None:
    value = resolve({"Fn::Sub": "${AWS::Region}/${Stage}/${Table}/${Fn.Arn}"})
    assert value == f"{REGION}/dev/orders/arn:aws:lambda:{REGION}:{ACCOUNT}:function:orders-fn"


def test_sub_keeps_escaped_variables_literal() -> None:
    assert resolve({"Fn::Sub": "${!Stage}-${Stage}"}) == "${Stage}-dev"


def test_sub_list_form_uses_the_variable_map_first() -> None:
    value = resolve({"Fn::Sub": ["${Stage}:${Name}", {"Stage": "override",
                                                      "Name": {"Ref": "Table"}}]})
    assert value == "override:orders"


def test_sub_with_a_list_variable_is_an_error() -> None:
    assert "does not resolve to a string" in error_of({"Fn::Sub": "${Origins}"})


def test_sub_leaves_an_unclosed_variable_alone() -> None:
    assert resolve({"Fn::Sub": "cost: ${ 5"}) == "cost: ${ 5"


# -- Join, Split, Select, Base64, GetAZs, Cidr, FindInMap ------------------------------

def test_join_resolves_intrinsics_inside_the_list() -> None:
    value = resolve({"Fn::Join": ["-", [{"Ref": "AWS::StackName"}, "x",
                                        {"Fn::GetAtt": ["Table", "Arn"]}, 7, True]]})
    assert value == f"shop-x-arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/orders-7-true"


def test_join_accepts_a_list_returned_by_an_intrinsic() -> None:
    assert resolve({"Fn::Join": [";", {"Ref": "Origins"}]}) == "a.com;b.com"


def test_split_and_select_pick_an_item() -> None:
    assert resolve({"Fn::Select": [1, {"Fn::Split": ["/", "a/b/c"]}]}) == "b"
    assert resolve({"Fn::Select": ["0", {"Ref": "Origins"}]}) == "a.com"


def test_select_out_of_range_is_an_error() -> None:
    assert "index 5 is out of range for a list of 2 items" in \
        error_of({"Fn::Select": [5, ["a", "b"]]})


def test_base64_encodes_utf8() -> None:
    assert resolve({"Fn::Base64": {"Fn::Sub": "#!/bin/sh ${Stage}"}}) == \
        base64.b64encode(b"#!/bin/sh dev").decode()


def test_getazs_lists_the_region_zones() -> None:
    assert resolve({"Fn::GetAZs": ""}) == [f"us-east-1{c}" for c in "abcdef"]
    assert resolve({"Fn::GetAZs": {"Ref": "AWS::Region"}})[0] == "us-east-1a"
    assert resolve({"Fn::GetAZs": "eu-west-1"}) == ["eu-west-1a", "eu-west-1b", "eu-west-1c"]


def test_cidr_carves_subnets_of_the_given_host_bits() -> None:
    assert resolve({"Fn::Cidr": ["10.0.0.0/16", 3, 8]}) == \
        ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"]
    assert resolve({"Fn::Cidr": ["2001:db8::/56", "2", "64"]}) == \
        ["2001:db8::/64", "2001:db8:0:1::/64"]


def test_cidr_asking_for_too_many_subnets_is_an_error() -> None:
    assert "holds only 4 subnets" in error_of({"Fn::Cidr": ["10.0.0.0/24", 5, 6]})


def test_find_in_map_reads_the_mapping() -> None:
    assert resolve({"Fn::FindInMap": ["Stages", {"Ref": "Stage"}, "Memory"]}) == 256
    assert resolve({"Fn::Select": [1, {"Fn::FindInMap": ["Stages", "dev", "Subnets"]}]}) == "s-2"


def test_find_in_map_falls_back_on_the_default_value() -> None:
    value = {"Fn::FindInMap": ["Stages", "prod", "Memory", {"DefaultValue": 128}]}
    assert resolve(value) == 128


def test_find_in_map_without_the_key_is_an_error() -> None:
    assert "key prod/Memory not found in mapping Stages" in \
        error_of({"Fn::FindInMap": ["Stages", "prod", "Memory"]})


def test_language_extension_length_and_to_json_string() -> None:
    assert resolve({"Fn::Length": {"Ref": "Origins"}}) == 2
    assert resolve({"Fn::ToJsonString": {"a": {"Ref": "Stage"}}}) == '{"a":"dev"}'


# -- conditions -------------------------------------------------------------------------

def test_if_picks_the_branch_of_the_condition() -> None:
    assert resolve({"Fn::If": ["IsDev", "yes", "no"]}) == "yes"
    assert resolve({"Fn::If": ["IsProd", "yes", "no"]}) == "no"


def test_if_with_an_unknown_condition_is_an_error() -> None:
    assert "Condition Nope is not defined in Conditions" in \
        error_of({"Fn::If": ["Nope", 1, 2]})


def test_condition_functions_combine() -> None:
    assert resolve({"Fn::Equals": [{"Ref": "Count"}, 3]}) is True
    assert resolve({"Fn::And": [{"Condition": "IsDev"},
                                {"Fn::Equals": [{"Ref": "Stage"}, "dev"]}]}) is True
    assert resolve({"Fn::Or": [{"Condition": "IsProd"}, {"Fn::Not": [{"Condition": "IsDev"}]}]}) \
        is False


# -- unsupported ------------------------------------------------------------------------

def test_import_value_is_rejected_with_its_name() -> None:
    message = error_of({"Fn::ImportValue": {"Fn::Sub": "${Stage}-VpcId"}})
    assert "Caller: Fn::ImportValue is not supported: 'dev-VpcId'" in message


def test_an_unprocessed_transform_is_rejected() -> None:
    assert "Fn::Transform MyMacro is not supported" in \
        error_of({"Fn::Transform": {"Name": "MyMacro"}})


def test_a_mapping_with_an_intrinsic_key_among_others_is_plain_data() -> None:
    assert resolve({"Ref": "Stage", "Other": 1}) == {"Ref": "Stage", "Other": 1}


# -- properties -------------------------------------------------------------------------

_TEXT = st.text(alphabet=string.ascii_letters + string.digits + " -_:/.{}!$", max_size=30)
_ITEM = st.text(alphabet=string.ascii_letters + string.digits + "-_ ", max_size=12)


@given(items=st.lists(_ITEM, min_size=1, max_size=8),
       delimiter=st.sampled_from([",", "|", "::", "/", ";"]))
def test_join_then_split_round_trips(items: list[str], delimiter: str) -> None:
    # The delimiters never occur in the items, so splitting gives the items back exactly.
    joined = {"Fn::Join": [delimiter, items]}
    assert resolve({"Fn::Split": [delimiter, joined]}) == items


@given(text=_ITEM, delimiter=st.sampled_from(["-", "_", " ", "a"]))
def test_split_then_join_round_trips(text: str, delimiter: str) -> None:
    assert resolve({"Fn::Join": [delimiter, {"Fn::Split": [delimiter, text]}]}) == text


@given(text=_TEXT)
def test_sub_without_variables_returns_the_text_with_escapes_unwrapped(text: str) -> None:
    literal = text.replace("${", "$ {")  # no variable syntax left
    assert resolve({"Fn::Sub": literal}) == literal


@given(names=st.lists(st.text(alphabet=string.ascii_letters, min_size=1, max_size=8),
                      max_size=5),
       glue=st.text(alphabet=string.ascii_letters + " -/", max_size=5))
def test_sub_escaped_variables_stay_literal(names: list[str], glue: str) -> None:
    text = glue.join(f"${{!{name}}}" for name in names)
    assert resolve({"Fn::Sub": text}) == glue.join(f"${{{name}}}" for name in names)


@given(items=st.lists(_ITEM, min_size=1, max_size=10), data=st.data())
def test_select_returns_the_item_at_any_valid_index(items: list[str],
                                                    data: st.DataObject) -> None:
    index = data.draw(st.integers(min_value=0, max_value=len(items) - 1))
    assert resolve({"Fn::Select": [index, items]}) == items[index]
    assert resolve({"Fn::Select": [str(index), items]}) == items[index]


@given(items=st.lists(_ITEM, max_size=5), extra=st.integers(min_value=0, max_value=5))
def test_select_past_the_end_always_fails(items: list[str], extra: int) -> None:
    with pytest.raises(TemplateError, match="out of range"):
        resolve({"Fn::Select": [len(items) + extra, items]})


@given(value=st.recursive(
    st.one_of(st.integers(), st.booleans(), _ITEM),
    lambda children: st.one_of(st.lists(children, max_size=3),
                               st.dictionaries(st.sampled_from(["A", "B", "C"]), children,
                                               max_size=3)),
    max_leaves=10))
def test_values_without_intrinsics_resolve_to_themselves(value: Any) -> None:
    assert resolve(value) == value


def test_resolver_reads_mapping_proxies_as_mappings() -> None:
    assert resolve(MappingProxyType({"A": {"Ref": "Stage"}})) == {"A": "dev"}
