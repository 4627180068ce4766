"""Rehearses deploying template.yaml twice, as moments-dev and moments-prod, in
ONE account and region, offline, against moto's server.

Why: both environments may live in one AWS account. Anything the template
names by hand (rather than letting CloudFormation generate a unique name) must
then differ between the two stacks, or the second deploy fails halfway. This
rehearsal finds such collisions before a real deploy does.

What it does, per stack (the order `sam deploy` and CloudFormation follow):

1. Loads the template (YAML with CloudFormation's short tags) and expands
   `Fn::ForEach` as the AWS::LanguageExtensions transform does: in any
   mapping of Conditions, Resources and Outputs (nested loops included),
   `Fn::ForEach::Name: [Identifier, Collection, {Key${Identifier}: value}]`
   becomes one copy of the fragment per item of Collection (a literal list,
   or an intrinsic over the parameters such as `!Ref SomeList` or `!Split`);
   `${Identifier}` is replaced in keys and strings, `&{Identifier}` by the
   item without its non-alphanumeric characters, and `{Ref: Identifier}` by
   the item. A logical id produced twice is an error.
2. Packages the functions as `sam deploy` would (every local CodeUri becomes
   s3://<artifact bucket>/<key> of a tiny zip uploaded to moto's S3) and runs
   the SAM translator (samtranslator, with a static managed-policy map that
   needs no AWS) with the stack's parameter values.
3. Creates the resources on moto in dependency order, in waves: each
   resource of an api or record type (below) as soon as what it refers to
   exists; the resources of the cloudformation types in one CloudFormation
   stack per environment, created with the first wave that can be, then
   updated with each later one (the HTTP API needs the functions' ARNs, the
   functions' permissions need the API's id). Its outputs carry the Refs and
   GetAtts of its resources that the others need. A resource whose creation
   fails is reported; what needs it is not attempted.

   cloudformation (moto's CloudFormation models the type; Refs and GetAtts to
   resources created through APIs are substituted with their values first,
   and dynamic references {{resolve:secretsmanager:...}} are resolved, as
   CloudFormation does, from moto's Secrets Manager; moto creates the
   resources inside CreateStack, so one that fails fails the call, which
   names the cause but not the resource):
     AWS::Lambda::Function, AWS::Lambda::Permission, AWS::Logs::LogGroup,
     AWS::IAM::Role, AWS::IAM::ManagedPolicy, AWS::IAM::Policy,
     AWS::DynamoDB::Table, AWS::SQS::Queue, AWS::S3::Bucket, AWS::SNS::Topic,
     AWS::Events::Rule, AWS::SSM::Parameter, AWS::KMS::Key, AWS::KMS::Alias
   api (moto has the service but its CloudFormation does not model the type:
   the rehearsal calls the service's own API with the resolved properties):
     AWS::SecretsManager::Secret        secretsmanager CreateSecret
                                        (GenerateSecretString: GetRandomPassword)
     AWS::SES::ConfigurationSet         sesv2 CreateConfigurationSet
     AWS::SES::EmailIdentity            sesv2 CreateEmailIdentity *
     AWS::Scheduler::ScheduleGroup      scheduler CreateScheduleGroup *
     AWS::Scheduler::Schedule           scheduler CreateSchedule
     AWS::CloudWatch::Alarm             cloudwatch PutMetricAlarm *
     AWS::Logs::MetricFilter            logs PutMetricFilter * (after its log
                                        group, which moto's CloudFormation makes)
     AWS::ApiGatewayV2::Api             apigatewayv2 CreateApi, then ReimportApi
                                        with the OpenAPI Body SAM generated
                                        (moto's ImportApi is not implemented)
     AWS::ApiGatewayV2::Stage/Route/Integration   apigatewayv2 Create*
     AWS::CloudFront::OriginAccessControl  cloudfront CreateOriginAccessControl *
     AWS::CloudFront::Function          cloudfront CreateFunction (moto has no
                                        PublishFunction: AutoPublish is noted)
     AWS::CloudFront::Distribution      cloudfront CreateDistribution * (the
                                        properties in the API's Quantity/Items
                                        shape; * for its Aliases)
     AWS::S3::BucketPolicy              s3 PutBucketPolicy
     AWS::SNS::Subscription             sns Subscribe
     AWS::Lambda::EventInvokeConfig     lambda PutFunctionEventInvokeConfig
   record (moto has no API for the type: the rehearsal keeps the resource by
   type and name, refusing a second one of the same name, and makes up its
   Ref and attributes):
     AWS::CloudFront::ResponseHeadersPolicy

   * moto accepts a second one of the same name (it overwrites), where AWS
     refuses it; the rehearsal asks the service first and fails the resource
     as CloudFormation would ("... already exists").

   A type in none of these lists stops the rehearsal with its name: add it to
   MODELLED, API or RECORDED below.

4. Checks, and exits non-zero naming each failure:
   - both stacks complete (every resource whose condition holds is created);
   - no two resources of the two stacks share a name that AWS requires unique
     per account and region (or per account, or globally): see NAMES below;
     each collision is printed with its type, name and both logical ids,
     and why such names collide (COLLISION_HINTS);
   - the HTTP API of each stack has exactly one route per HttpApi event of
     the SAM template (method and path), each integrated with the function
     that declares the event;
   - the template's Outputs resolve (checked for a stack that completed).

Parameter values: each environment's stack_name, region, tags and
parameter_overrides from samconfig.toml, SAMPLE_PARAMETERS below for what
`sam deploy --guided` would ask (DomainName, MailFrom, ...), and
--parameter ENV:Key=Value over both.

Each run uses an account of its own on the server (a random 12-digit id, sent
to moto as the x-moto-account-id header), so runs do not see each other's
resources nor the other tests' (which use moto's default account).

Usage (moto running, e.g. as infra/test.sh starts it):
  .venv/bin/python infra/rehearse.py [--endpoint URL] [--template PATH]
      [--samconfig PATH] [--parameter ENV:Key=Value ...] [--verbose]
  .venv/bin/python infra/rehearse.py --self-test    (no server needed)
The endpoint defaults to $MOMENTS_TEST_AWS_ENDPOINT.
"""

from __future__ import annotations

import argparse
import copy
import io
import json
import os
import random
import re
import shlex
import string
import sys
import time
import tomllib
import uuid
import zipfile
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
ENVIRONMENTS = ("dev", "prod")

# Values samconfig.toml does not give (they are asked by `sam deploy
# --guided`): one plausible set per environment. Both send from the same
# address, as two environments of one program in one account would.
SAMPLE_PARAMETERS = {
    "dev": {
        "DomainName": "dev.moments.mo.gov",
        "CertificateArn": "",
        "EmailDomains": "mo.gov",
        "ProgramAdmins": "admin@mo.gov",
        "MailFrom": "moments@mo.gov",
        "MailDomain": "",
        "AlarmEmail": "",
    },
    "prod": {
        "DomainName": "moments.mo.gov",
        "CertificateArn": "arn:aws:acm:us-east-1:111122223333:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
        "EmailDomains": "mo.gov",
        "ProgramAdmins": "admin@mo.gov",
        "MailFrom": "moments@mo.gov",
        "MailDomain": "",
        "AlarmEmail": "moments-alarms@mo.gov",
    },
}

# Types moto's CloudFormation creates itself (moto.cloudformation.parsing's
# model map; the self-test checks they are still there).
MODELLED = {
    "AWS::Lambda::Function",
    "AWS::Lambda::Permission",
    "AWS::Logs::LogGroup",
    "AWS::IAM::Role",
    "AWS::IAM::ManagedPolicy",
    "AWS::IAM::Policy",
    "AWS::DynamoDB::Table",
    "AWS::SQS::Queue",
    "AWS::S3::Bucket",
    "AWS::SNS::Topic",
    "AWS::Events::Rule",
    "AWS::SSM::Parameter",
    "AWS::KMS::Key",
    "AWS::KMS::Alias",
}
# Types created through the service's API (handlers are the create_* below).
API = {
    "AWS::SecretsManager::Secret",
    "AWS::SES::ConfigurationSet",
    "AWS::SES::EmailIdentity",
    "AWS::Scheduler::ScheduleGroup",
    "AWS::Scheduler::Schedule",
    "AWS::CloudWatch::Alarm",
    "AWS::Logs::MetricFilter",
    "AWS::ApiGatewayV2::Api",
    "AWS::ApiGatewayV2::Stage",
    "AWS::ApiGatewayV2::Route",
    "AWS::ApiGatewayV2::Integration",
    "AWS::CloudFront::OriginAccessControl",
    "AWS::CloudFront::Function",
    "AWS::CloudFront::Distribution",
    "AWS::S3::BucketPolicy",
    "AWS::SNS::Subscription",
    "AWS::Lambda::EventInvokeConfig",
}
# Types moto has no API for: kept by type and name.
RECORDED = {
    "AWS::CloudFront::ResponseHeadersPolicy",
}

# Names AWS requires unique: type -> (where the name is in Properties, scope,
# and for schedules where the group is). A resource without the name property
# gets a name CloudFormation generates (stack-logical-random), which cannot
# collide.
NAMES = {
    "AWS::Lambda::Function": (("FunctionName",), "account and region"),
    "AWS::Logs::LogGroup": (("LogGroupName",), "account and region"),
    "AWS::CloudWatch::Alarm": (("AlarmName",), "account and region"),
    "AWS::DynamoDB::Table": (("TableName",), "account and region"),
    "AWS::SQS::Queue": (("QueueName",), "account and region"),
    "AWS::SNS::Topic": (("TopicName",), "account and region"),
    "AWS::IAM::Role": (("RoleName",), "account"),
    "AWS::IAM::ManagedPolicy": (("ManagedPolicyName",), "account"),
    "AWS::Scheduler::ScheduleGroup": (("Name",), "account and region"),
    "AWS::Scheduler::Schedule": (("Name",), "schedule group (account and region)"),
    "AWS::SecretsManager::Secret": (("Name",), "account and region"),
    "AWS::SES::EmailIdentity": (("EmailIdentity",), "account and region"),
    "AWS::SES::ConfigurationSet": (("Name",), "account and region"),
    "AWS::Events::Rule": (("Name",), "event bus (account and region)"),
    "AWS::SSM::Parameter": (("Name",), "account and region"),
    "AWS::KMS::Alias": (("AliasName",), "account and region"),
    "AWS::S3::Bucket": (("BucketName",), "all of AWS"),
    "AWS::S3::BucketPolicy": (("Bucket",), "bucket (one policy each)"),
    "AWS::CloudFront::OriginAccessControl": (("OriginAccessControlConfig", "Name"), "account"),
    "AWS::CloudFront::Function": (("Name",), "account"),
    "AWS::CloudFront::ResponseHeadersPolicy": (("ResponseHeadersPolicyConfig", "Name"), "account"),
    "AWS::CloudFront::Distribution": (("DistributionConfig", "Aliases"), "all of CloudFront (aliases)"),
}

# The managed policies SAM may ask for by name (policy templates aside): a
# static map, so the translator needs no AWS.
MANAGED_POLICIES = {
    name: f"arn:aws:iam::aws:policy/{path}{name}"
    for path, name in [
        ("service-role/", "AWSLambdaBasicExecutionRole"),
        ("service-role/", "AWSLambdaVPCAccessExecutionRole"),
        ("service-role/", "AWSLambdaRole"),
        ("", "AWSXrayWriteOnlyAccess"),
        ("", "AWSXRayDaemonWriteAccess"),
        ("", "AmazonDynamoDBReadOnlyAccess"),
        ("", "AmazonSESFullAccess"),
        ("", "CloudWatchLambdaInsightsExecutionRolePolicy"),
    ]
}

PSEUDO_NO_VALUE = "AWS::NoValue"
_NO_VALUE = object()


class RehearsalError(Exception):
    """The rehearsal cannot go on (bad template, unsupported construct)."""


class ResourceFailed(Exception):
    """One resource could not be created (its message is CloudFormation-like)."""


# --------------------------------------------------------------------- YAML


class _CfnLoader(yaml.SafeLoader):
    pass


def _cfn_tag(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "Condition":
        return {"Condition": value}
    if suffix == "GetAtt" and isinstance(value, str):
        return {"Fn::GetAtt": value.split(".", 1)}
    return {f"Fn::{suffix}": value}


_CfnLoader.add_multi_constructor("!", _cfn_tag)


def load_template(text: str) -> dict:
    """The template as plain data: `!Ref X` is {"Ref": "X"}, `!GetAtt A.B` is
    {"Fn::GetAtt": ["A", "B"]}, any other `!Name v` is {"Fn::Name": v}."""
    template = yaml.load(text, Loader=_CfnLoader)
    if not isinstance(template, dict) or not isinstance(template.get("Resources"), dict):
        raise RehearsalError("the template has no Resources mapping")
    return template


# --------------------------------------------------------------- intrinsics


def _sub_parts(value):
    if isinstance(value, str):
        return value, {}
    if isinstance(value, list) and len(value) == 2 and isinstance(value[0], str) and isinstance(value[1], dict):
        return value[0], value[1]
    raise RehearsalError(f"Fn::Sub expects a string or [string, {{vars}}], got {value!r}")


_SUB_VAR = re.compile(r"\$\{([^}]*)\}")


def dependencies(node, names) -> set:
    """The logical ids among `names` that `node` refers to (Ref, GetAtt, Sub)."""
    found = set()

    def walk(n):
        if isinstance(n, dict):
            if len(n) == 1:
                (key, value), = n.items()
                if key == "Ref" and value in names:
                    found.add(value)
                elif key == "Fn::GetAtt":
                    target = value[0] if isinstance(value, list) else str(value).split(".", 1)[0]
                    if target in names:
                        found.add(target)
                elif key == "Fn::Sub":
                    text, variables = _sub_parts(value)
                    for var in _SUB_VAR.findall(text):
                        if var.startswith("!"):
                            continue
                        head = var.split(".", 1)[0]
                        if head in names and var not in variables:
                            found.add(head)
                    walk(variables)
                    return
            for v in n.values():
                walk(v)
        elif isinstance(n, list):
            for v in n:
                walk(v)

    walk(node)
    return found


class Unresolvable(Exception):
    def __init__(self, what):
        super().__init__(what)
        self.what = what


class Resolver:
    """Evaluates CloudFormation intrinsics. `values` maps a created resource's
    logical id to {"Ref": value, "Attr.Name": value, ...}; a reference to any
    other resource raises Unresolvable."""

    def __init__(self, parameters, pseudo, conditions=None, mappings=None, values=None, dynamic=None):
        self.parameters = parameters
        self.pseudo = pseudo
        self.condition_defs = conditions or {}
        self.mappings = mappings or {}
        self.values = values if values is not None else {}
        self.dynamic = dynamic
        self._conditions = {}

    def condition(self, name):
        if name not in self._conditions:
            if name not in self.condition_defs:
                raise RehearsalError(f"unknown condition {name}")
            self._conditions[name] = bool(self.resolve(self.condition_defs[name]))
        return self._conditions[name]

    def ref(self, name):
        if name in self.pseudo:
            return self.pseudo[name]
        if name in self.parameters:
            return self.parameters[name]
        if name in self.values:
            return self.values[name]["Ref"]
        raise Unresolvable(name)

    def getatt(self, target, attribute):
        if target in self.values:
            if attribute not in self.values[target]:
                raise RehearsalError(f"{target} has no attribute {attribute} in the rehearsal")
            return self.values[target][attribute]
        raise Unresolvable(f"{target}.{attribute}")

    def sub(self, value):
        text, variables = _sub_parts(value)
        variables = {k: self.resolve(v) for k, v in variables.items()}

        def one(match):
            var = match.group(1)
            if var.startswith("!"):
                return "${" + var[1:] + "}"
            if var in variables:
                return str(variables[var])
            if "." in var and var.split(".", 1)[0] not in self.parameters:
                target, attribute = var.split(".", 1)
                return str(self.getatt(target, attribute))
            return str(self.ref(var))

        return _SUB_VAR.sub(one, text)

    def resolve(self, node):
        out = self._resolve(node)
        return None if out is _NO_VALUE else out

    def _resolve(self, node):
        if isinstance(node, str):
            return self.dynamic(node) if self.dynamic and "{{resolve:" in node else node
        if isinstance(node, list):
            items = [self._resolve(v) for v in node]
            return [v for v in items if v is not _NO_VALUE]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            (key, value), = node.items()
            if key == "Ref":
                return _NO_VALUE if value == PSEUDO_NO_VALUE else self.ref(value)
            if key == "Condition" and isinstance(value, str):
                return self.condition(value)
            if key == "Fn::GetAtt":
                target, attribute = value if isinstance(value, list) else str(value).split(".", 1)
                return self.getatt(target, self.resolve(attribute))
            if key == "Fn::Sub":
                return self._resolve(self.sub(value))
            if key == "Fn::If":
                name, yes, no = value
                return self._resolve(yes if self.condition(name) else no)
            if key == "Fn::Equals":
                a, b = (self.resolve(v) for v in value)
                return str(a) == str(b)
            if key == "Fn::Not":
                return not self.resolve(value[0])
            if key == "Fn::And":
                return all(self.resolve(v) for v in value)
            if key == "Fn::Or":
                return any(self.resolve(v) for v in value)
            if key == "Fn::Join":
                sep, items = value
                return str(sep).join(str(v) for v in self.resolve(items))
            if key == "Fn::Split":
                sep, text = value
                return str(self.resolve(text)).split(sep)
            if key == "Fn::Select":
                index, items = value
                return self.resolve(items)[int(self.resolve(index))]
            if key == "Fn::FindInMap":
                m, k1, k2 = (self.resolve(v) for v in value[:3])
                return self.mappings[m][k1][k2]
            if key == "Fn::Base64":
                import base64

                return base64.b64encode(str(self.resolve(value)).encode()).decode()
            if key == "Fn::GetAZs":
                region = self.resolve(value) or self.pseudo["AWS::Region"]
                return [f"{region}{z}" for z in "abc"]
            if key in ("Fn::ImportValue", "Fn::Length", "Fn::ToJsonString", "Fn::Cidr", "Fn::Transform"):
                raise RehearsalError(f"{key} is not supported by the rehearsal")
        out = {}
        for k, v in node.items():
            r = self._resolve(v)
            if r is not _NO_VALUE:
                out[k] = r
        return out


def substitute_known(node, values):
    """Replaces Ref/GetAtt/Sub references to the resources in `values` by
    their values, leaving every other intrinsic for CloudFormation."""
    if isinstance(node, list):
        return [substitute_known(v, values) for v in node]
    if not isinstance(node, dict):
        return node
    if len(node) == 1:
        (key, value), = node.items()
        if key == "Ref" and value in values:
            return values[value]["Ref"]
        if key == "Fn::GetAtt":
            target, attribute = value if isinstance(value, list) else str(value).split(".", 1)
            if target in values:
                return values[target][attribute]
        if key == "Fn::Sub":
            text, variables = _sub_parts(value)

            def one(match):
                var = match.group(1)
                head = var.split(".", 1)[0]
                if var.startswith("!") or var in variables or head not in values:
                    return match.group(0)
                return str(values[head]["Ref"] if "." not in var else values[head][var.split(".", 1)[1]])

            text = _SUB_VAR.sub(one, text)
            variables = substitute_known(variables, values)
            return {"Fn::Sub": [text, variables] if variables else text}
    return {k: substitute_known(v, values) for k, v in node.items()}


# ------------------------------------------------------- language extensions

FOREACH = "Fn::ForEach::"


def expand_for_each(template: dict, parameters: dict) -> dict:
    """Expands every Fn::ForEach in Conditions, Resources and Outputs, as the
    AWS::LanguageExtensions transform does, and drops that transform."""
    template = copy.deepcopy(template)
    declared = set(template.get("Parameters") or {})
    resolver = Resolver(parameters, {}, template.get("Conditions"), template.get("Mappings"))
    for section in ("Conditions", "Resources", "Outputs"):
        if isinstance(template.get(section), dict):
            template[section] = _expand_mapping(template[section], resolver, declared, section)
    transforms = template.get("Transform")
    if isinstance(transforms, list):
        rest = [t for t in transforms if t != "AWS::LanguageExtensions"]
        template["Transform"] = rest[0] if len(rest) == 1 else rest
        if not rest:
            del template["Transform"]
    elif transforms == "AWS::LanguageExtensions":
        del template["Transform"]
    for leftover in ("Fn::Length", "Fn::ToJsonString"):
        if leftover in json.dumps(template):
            raise RehearsalError(f"{leftover} (AWS::LanguageExtensions) is not supported by the rehearsal")
    return template


def _expand_mapping(node, resolver, declared, where):
    if isinstance(node, list):
        return [_expand_mapping(v, resolver, declared, where) for v in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if not (isinstance(key, str) and key.startswith(FOREACH)):
            out[key] = _expand_mapping(value, resolver, declared, f"{where}.{key}")
            continue
        if not (isinstance(value, list) and len(value) == 3 and isinstance(value[0], str) and isinstance(value[2], dict)):
            raise RehearsalError(f"{where}.{key}: expected [Identifier, Collection, {{OutputKey: OutputValue}}]")
        identifier, collection, fragment = value
        if identifier in declared:
            raise RehearsalError(f"{where}.{key}: identifier {identifier} is also a parameter's name")
        try:
            items = collection if isinstance(collection, list) else resolver.resolve(collection)
        except Unresolvable as e:
            raise RehearsalError(f"{where}.{key}: the collection refers to {e.what}, not a parameter") from None
        if not isinstance(items, list):
            raise RehearsalError(f"{where}.{key}: the collection is not a list: {items!r}")
        for item in items:
            if isinstance(item, (dict, list)):
                raise RehearsalError(f"{where}.{key}: collection items must be strings, got {item!r}")
            item = str(item).lower() if isinstance(item, bool) else str(item)
            copy_ = _substitute_identifier(fragment, identifier, item)
            copy_ = _expand_mapping(copy_, resolver, declared, where)
            for name, body in copy_.items():
                if name in out:
                    raise RehearsalError(f"{where}.{key}: {name} is declared twice")
                out[name] = body
    return out


def _substitute_identifier(node, identifier, item):
    if isinstance(node, str):
        return node.replace("${" + identifier + "}", item).replace("&{" + identifier + "}", re.sub(r"[^A-Za-z0-9]", "", item))
    if isinstance(node, list):
        return [_substitute_identifier(v, identifier, item) for v in node]
    if isinstance(node, dict):
        if node == {"Ref": identifier}:
            return item
        return {_substitute_identifier(k, identifier, item): _substitute_identifier(v, identifier, item) for k, v in node.items()}
    return node


# ------------------------------------------------------------------ SAM side


def package(template: dict, bucket: str, key: str) -> dict:
    """Points every local CodeUri at the uploaded zip, as `sam deploy` does."""
    template = copy.deepcopy(template)
    uri = f"s3://{bucket}/{key}"

    def local(code):
        return isinstance(code, str) and not code.startswith("s3://")

    function_globals = (template.get("Globals") or {}).get("Function") or {}
    if local(function_globals.get("CodeUri")):
        function_globals["CodeUri"] = uri
    for resource in template["Resources"].values():
        if resource.get("Type") == "AWS::Serverless::Function":
            props = resource.setdefault("Properties", {})
            if local(props.get("CodeUri")) or ("CodeUri" not in props and "InlineCode" not in props and "ImageUri" not in props and "CodeUri" not in function_globals):
                props["CodeUri"] = uri
    return template


def sam_transform(template: dict, parameters: dict, pseudo: dict) -> dict:
    import boto3
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator

    session = boto3.session.Session(region_name=pseudo["AWS::Region"], aws_access_key_id="rehearsal", aws_secret_access_key="rehearsal")
    translator = Translator(None, Parser(), boto_session=session)
    try:
        return translator.translate(copy.deepcopy(template), {**parameters, **pseudo}, get_managed_policy_map=lambda: MANAGED_POLICIES)
    except Exception as e:  # the translator's errors name the resource and property
        raise RehearsalError(f"SAM transform failed: {e}") from None
    finally:
        translator.metrics.publish()  # to its dummy publisher: no warning at exit


def http_api_events(template: dict, resolver: Resolver) -> dict:
    """(api logical id, "METHOD /path") -> function logical id, from the SAM
    template's HttpApi events."""
    expected = {}
    for logical, resource in template["Resources"].items():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        for event_name, event in ((resource.get("Properties") or {}).get("Events") or {}).items():
            if event.get("Type") != "HttpApi":
                continue
            props = event.get("Properties") or {}
            api = props.get("ApiId", {"Ref": "ServerlessHttpApi"})
            api = api.get("Ref") if isinstance(api, dict) else api
            method = str(resolver.resolve(props.get("Method", "ANY"))).upper()
            path = resolver.resolve(props.get("Path", "$default"))
            route = path if path == "$default" else f"{method} {path}"
            if (api, route) in expected:
                raise RehearsalError(f"{logical}.{event_name}: route {route} is declared twice")
            expected[(api, route)] = logical
    return expected


# ------------------------------------------------------------ name collisions


def _get_path(props, path):
    for part in path:
        if not isinstance(props, dict) or part not in props:
            return None
        props = props[part]
    return props


def name_keys(rtype, props, resolver):
    """The (scope, name) keys a resource takes, or [] when CloudFormation
    generates its name. Raises Unresolvable when the name needs a value only
    known after creation."""
    if rtype not in NAMES:
        return []
    path, scope = NAMES[rtype]
    raw = _get_path(props, path)
    if raw is None:
        return []
    value = resolver.resolve(raw)
    if value is None:
        return []
    names = value if isinstance(value, list) else [value]
    keys = []
    for name in names:
        name = str(name)
        if rtype == "AWS::Scheduler::Schedule":
            group = resolver.resolve(props.get("GroupName")) or "default"
            name = f"{group}/{name}"
        if rtype in ("AWS::SES::EmailIdentity", "AWS::S3::Bucket", "AWS::CloudFront::Distribution"):
            name = name.lower()
        keys.append((scope, name))
    return keys


# Why a name collides and how templates usually avoid it, per type.
COLLISION_HINTS = {
    "AWS::Scheduler::Schedule": "SAM names a ScheduleV2 schedule after its function and event (e.g. DigestFunctionWeekly) "
    "in the account's default group unless the event sets Name (e.g. Name: !Sub ${AWS::StackName}-digest-weekly) "
    "or GroupName (a schedule group the stack owns).",
    "AWS::SES::EmailIdentity": "An SES identity (an address or a domain) exists once per account and region: only one "
    "stack may create it (e.g. a CreateMailIdentity parameter and a condition on MailIdentity, \"false\" in the other "
    "environment), and both may send from it.",
}
DEFAULT_HINT = "Name it after the stack (!Sub ${AWS::StackName}-...) or leave the name to CloudFormation."


def find_collisions(plans):
    """plans: [(stack, logical, type, [(scope, name)])]. Returns one line per
    name taken twice."""
    owners = defaultdict(list)
    for stack, logical, rtype, keys in plans:
        for scope, name in keys:
            owners[(rtype, scope, name)].append((stack, logical))
    lines = []
    for (rtype, scope, name), who in sorted(owners.items()):
        if len(who) > 1:
            holders = " and ".join(f"{stack} {logical}" for stack, logical in who)
            lines.append(f"{rtype} {name!r} (unique per {scope}): {holders}")
    return lines


# ------------------------------------------------------------- moto clients


class Aws:
    """boto3 clients for one account on the moto server."""

    def __init__(self, endpoint, region, account):
        import boto3
        from botocore.config import Config

        self.region = region
        self.account = account
        self.session = boto3.session.Session(region_name=region, aws_access_key_id="rehearsal", aws_secret_access_key="rehearsal")
        self.session.events.register("before-sign", self._account_header)
        self.endpoint = endpoint
        self.config = Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=30)
        self._clients = {}

    def _account_header(self, request, **_):
        request.headers["x-moto-account-id"] = self.account

    def __call__(self, service):
        if service not in self._clients:
            self._clients[service] = self.session.client(service, endpoint_url=self.endpoint, config=self.config)
        return self._clients[service]

    def call(self, service, operation, params):
        """Calls `operation` with `params` coerced to the API's input shape
        (templates give numbers as strings); members the API does not have are
        left out."""
        client = self(service)
        model = client.meta.service_model.operation_model(operation)
        params = _coerce(model.input_shape, params)
        method = re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower()
        return getattr(client, method)(**params)


def _coerce(shape, value):
    if value is None or shape is None:
        return value
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            return value
        return {k: _coerce(shape.members[k], v) for k, v in value.items() if k in shape.members and v is not None}
    if kind == "list":
        return [_coerce(shape.member, v) for v in (value if isinstance(value, list) else [value])]
    if kind == "map":
        return {k: _coerce(shape.value, v) for k, v in value.items()}
    if kind in ("integer", "long"):
        return int(value)
    if kind in ("double", "float"):
        return float(value)
    if kind == "boolean":
        return value if isinstance(value, bool) else str(value).lower() == "true"
    if kind == "string" and not isinstance(value, str):
        return json.dumps(value) if isinstance(value, (dict, list)) else str(value).lower() if isinstance(value, bool) else str(value)
    return value


def _client_error(e):
    from botocore.exceptions import ClientError

    if isinstance(e, ClientError):
        err = e.response.get("Error", {})
        text = f"{err.get('Code', '?')}: {err.get('Message', '')}"
    else:
        # moto answers some XML operations in JSON (CloudFormation passing on
        # a resource's error): botocore cannot parse it, but names it.
        m = re.search(r'"__type": "([^"]+)", "message": "([^"]*)"', str(e))
        text = f"{m.group(1)}: {m.group(2)}" if m else f"{type(e).__name__}: {e}"
    return " ".join(text.split())


def _random_suffix(n=12):
    return "".join(random.choice(string.ascii_uppercase + string.digits) for _ in range(n))


def generated_name(stack, logical, limit=64):
    """A name as CloudFormation generates it: stack-logical-RANDOM."""
    suffix = "-" + _random_suffix()
    return f"{stack}-{logical}"[: limit - len(suffix)] + suffix


# ------------------------------------------------ resources created via APIs


def _exists(probe):
    from botocore.exceptions import ClientError

    try:
        probe()
        return True
    except ClientError:
        return False


def create_secret(aws, stack, logical, props):
    name = props.get("Name") or f"{logical}-{_random_suffix()}"
    generate = props.get("GenerateSecretString")
    secret = props.get("SecretString")
    if generate:
        keys = ("PasswordLength", "ExcludeCharacters", "ExcludeNumbers", "ExcludePunctuation", "ExcludeUppercase", "ExcludeLowercase", "IncludeSpace", "RequireEachIncludedType")
        password = aws.call("secretsmanager", "GetRandomPassword", {k: generate[k] for k in keys if k in generate})["RandomPassword"]
        if generate.get("SecretStringTemplate"):
            data = json.loads(generate["SecretStringTemplate"])
            data[generate["GenerateStringKey"]] = password
            secret = json.dumps(data)
        else:
            secret = password
    params = {"Name": name, "Description": props.get("Description"), "KmsKeyId": props.get("KmsKeyId"), "SecretString": secret or "", "Tags": props.get("Tags")}
    arn = aws.call("secretsmanager", "CreateSecret", {k: v for k, v in params.items() if v is not None})["ARN"]
    return {"Ref": arn, "Id": arn}


def create_configuration_set(aws, stack, logical, props):
    name = props.get("Name") or generated_name(stack, logical)
    params = {k: v for k, v in props.items() if k != "Name"}
    aws.call("sesv2", "CreateConfigurationSet", {"ConfigurationSetName": name, **params})
    return {"Ref": name}


def create_email_identity(aws, stack, logical, props):
    identity = props["EmailIdentity"]
    if _exists(lambda: aws("sesv2").get_email_identity(EmailIdentity=identity)):
        raise ResourceFailed(f"AlreadyExistsException: Email identity {identity} already exists (SES refuses it; moto would overwrite it, so the rehearsal asks first).")
    params = {"EmailIdentity": identity}
    config_set = _get_path(props, ("ConfigurationSetAttributes", "ConfigurationSetName"))
    if config_set:
        params["ConfigurationSetName"] = config_set
    aws.call("sesv2", "CreateEmailIdentity", params)
    values = {"Ref": identity}
    if "@" not in identity:  # a domain: its three DKIM CNAME records (moto makes up none)
        for i in (1, 2, 3):
            token = f"rehearsal{i}{_random_suffix(8).lower()}"
            values[f"DkimDNSTokenName{i}"] = f"{token}._domainkey.{identity}"
            values[f"DkimDNSTokenValue{i}"] = f"{token}.dkim.amazonses.com"
    return values


def create_schedule_group(aws, stack, logical, props):
    name = props.get("Name") or generated_name(stack, logical)
    if _exists(lambda: aws("scheduler").get_schedule_group(Name=name)):
        raise ResourceFailed(f"ConflictException: Schedule group {name} already exists (the rehearsal asks first: moto would overwrite it).")
    arn = aws.call("scheduler", "CreateScheduleGroup", {"Name": name, "Tags": props.get("Tags")} if props.get("Tags") else {"Name": name})["ScheduleGroupArn"]
    return {"Ref": name, "Arn": arn}


def create_schedule(aws, stack, logical, props):
    params = dict(props)
    params.setdefault("Name", generated_name(stack, logical))
    arn = aws.call("scheduler", "CreateSchedule", params)["ScheduleArn"]
    return {"Ref": params["Name"], "Arn": arn}


def create_alarm(aws, stack, logical, props):
    name = props.get("AlarmName") or generated_name(stack, logical, 255)
    if aws("cloudwatch").describe_alarms(AlarmNames=[name])["MetricAlarms"]:
        raise ResourceFailed(f"AlreadyExists: alarm {name} already exists (the rehearsal asks first: PutMetricAlarm would overwrite it).")
    aws.call("cloudwatch", "PutMetricAlarm", {**props, "AlarmName": name})
    return {"Ref": name, "Arn": f"arn:aws:cloudwatch:{aws.region}:{aws.account}:alarm:{name}"}


def create_metric_filter(aws, stack, logical, props):
    name = props.get("FilterName") or generated_name(stack, logical, 512)
    group = props["LogGroupName"]
    existing = aws("logs").describe_metric_filters(logGroupName=group, filterNamePrefix=name)["metricFilters"]
    if any(f["filterName"] == name for f in existing):
        raise ResourceFailed(f"AlreadyExists: metric filter {name} already exists on {group} (the rehearsal asks first: PutMetricFilter would overwrite it).")
    transformations = [
        {"metricName": t["MetricName"], "metricNamespace": t["MetricNamespace"], "metricValue": t["MetricValue"],
         "defaultValue": t.get("DefaultValue")}
        for t in props["MetricTransformations"]
    ]
    aws.call("logs", "PutMetricFilter", {
        "logGroupName": group, "filterName": name, "filterPattern": props["FilterPattern"],
        "metricTransformations": [{k: v for k, v in t.items() if v is not None} for t in transformations],
    })
    return {"Ref": name}


def create_http_api(aws, stack, logical, props):
    body = props.get("Body")
    name = props.get("Name") or (_get_path(body, ("info", "title")) if body else None) or logical
    params = {"Name": name, "ProtocolType": props.get("ProtocolType", "HTTP"), "Description": props.get("Description"), "CorsConfiguration": props.get("CorsConfiguration")}
    api = aws.call("apigatewayv2", "CreateApi", params)
    if body:
        aws("apigatewayv2").reimport_api(ApiId=api["ApiId"], Body=json.dumps(body))
    return {"Ref": api["ApiId"], "ApiId": api["ApiId"], "ApiEndpoint": api.get("ApiEndpoint", f"https://{api['ApiId']}.execute-api.{aws.region}.amazonaws.com")}


def create_stage(aws, stack, logical, props):
    aws.call("apigatewayv2", "CreateStage", props)
    return {"Ref": props["StageName"]}


def create_route(aws, stack, logical, props):
    route = aws.call("apigatewayv2", "CreateRoute", props)
    return {"Ref": route["RouteId"], "RouteId": route["RouteId"]}


def create_integration(aws, stack, logical, props):
    integration = aws.call("apigatewayv2", "CreateIntegration", props)
    return {"Ref": integration["IntegrationId"], "IntegrationId": integration["IntegrationId"]}


def create_origin_access_control(aws, stack, logical, props):
    config = props["OriginAccessControlConfig"]
    taken = {c["Name"] for c in aws("cloudfront").list_origin_access_controls().get("OriginAccessControlList", {}).get("Items", [])}
    if config["Name"] in taken:
        raise ResourceFailed(f"OriginAccessControlAlreadyExists: an origin access control named {config['Name']} already exists (the rehearsal asks first: moto would accept it).")
    control = aws.call("cloudfront", "CreateOriginAccessControl", {"OriginAccessControlConfig": config})["OriginAccessControl"]
    return {"Ref": control["Id"], "Id": control["Id"]}


def create_cloudfront_function(aws, stack, logical, props):
    summary = aws.call("cloudfront", "CreateFunction", {"Name": props["Name"], "FunctionConfig": props["FunctionConfig"], "FunctionCode": props["FunctionCode"].encode()})["FunctionSummary"]
    arn = summary["FunctionMetadata"]["FunctionARN"]
    # AutoPublish: moto has no PublishFunction; the ARN is the same either way.
    return {"Ref": arn, "FunctionARN": arn, "FunctionMetadata.FunctionARN": arn, "Stage": "LIVE" if props.get("AutoPublish") else "DEVELOPMENT"}


def _items(values):
    values = values or []
    return {"Quantity": len(values), "Items": values} if values else {"Quantity": 0}


def _cache_behavior(behavior):
    out = {k: v for k, v in behavior.items() if k not in ("AllowedMethods", "CachedMethods", "FunctionAssociations", "LambdaFunctionAssociations")}
    allowed = behavior.get("AllowedMethods") or ["GET", "HEAD"]
    out["AllowedMethods"] = {**_items(allowed), "CachedMethods": _items(behavior.get("CachedMethods") or ["GET", "HEAD"])}
    out["FunctionAssociations"] = _items(behavior.get("FunctionAssociations"))
    out["LambdaFunctionAssociations"] = _items(behavior.get("LambdaFunctionAssociations"))
    return out


def _origin(origin):
    out = {k: v for k, v in origin.items() if k not in ("CustomOriginConfig", "OriginCustomHeaders")}
    out["CustomHeaders"] = _items(origin.get("OriginCustomHeaders"))
    custom = origin.get("CustomOriginConfig")
    if custom:
        out["CustomOriginConfig"] = {
            "HTTPPort": custom.get("HTTPPort", 80),
            "HTTPSPort": custom.get("HTTPSPort", 443),
            **{k: v for k, v in custom.items() if k not in ("HTTPPort", "HTTPSPort", "OriginSSLProtocols")},
            "OriginSslProtocols": _items(custom.get("OriginSSLProtocols") or ["TLSv1.2"]),
        }
    return out


def create_distribution(aws, stack, logical, props):
    """CloudFormation's DistributionConfig in the API's Quantity/Items shape."""
    cfn = props["DistributionConfig"]
    config = {
        "CallerReference": f"{stack}-{logical}-{uuid.uuid4()}",
        "Comment": cfn.get("Comment", ""),
        "Enabled": cfn.get("Enabled", True),
        "Aliases": _items(cfn.get("Aliases")),
        "Origins": _items([_origin(o) for o in cfn.get("Origins", [])]),
        "DefaultCacheBehavior": _cache_behavior(cfn["DefaultCacheBehavior"]),
        "CacheBehaviors": _items([_cache_behavior(b) for b in cfn.get("CacheBehaviors", [])]),
    }
    for key in ("DefaultRootObject", "PriceClass", "HttpVersion", "WebACLId"):
        if key in cfn:
            config[key] = cfn[key]
    if "IPV6Enabled" in cfn:
        config["IsIPV6Enabled"] = cfn["IPV6Enabled"]
    cert = cfn.get("ViewerCertificate")
    if cert:
        renames = {"AcmCertificateArn": "ACMCertificateArn", "IamCertificateId": "IAMCertificateId", "SslSupportMethod": "SSLSupportMethod"}
        config["ViewerCertificate"] = {renames.get(k, k): v for k, v in cert.items()}
    aliases = cfn.get("Aliases") or []
    if aliases:
        taken = set()
        for d in aws("cloudfront").list_distributions().get("DistributionList", {}).get("Items", []):
            taken.update(a.lower() for a in d.get("Aliases", {}).get("Items", []))
        clash = sorted(a for a in aliases if a.lower() in taken)
        if clash:
            raise ResourceFailed(f"CNAMEAlreadyExists: {', '.join(clash)} is already an alias of another distribution.")
    dist = aws.call("cloudfront", "CreateDistribution", {"DistributionConfig": config})["Distribution"]
    return {"Ref": dist["Id"], "Id": dist["Id"], "DomainName": dist["DomainName"]}


def create_bucket_policy(aws, stack, logical, props):
    aws.call("s3", "PutBucketPolicy", {"Bucket": props["Bucket"], "Policy": json.dumps(props["PolicyDocument"])})
    return {"Ref": props["Bucket"]}


def create_event_invoke_config(aws, stack, logical, props):
    params = {
        "FunctionName": props["FunctionName"],
        "Qualifier": props.get("Qualifier"),
        "MaximumRetryAttempts": props.get("MaximumRetryAttempts"),
        "MaximumEventAgeInSeconds": props.get("MaximumEventAgeInSeconds"),
        "DestinationConfig": props.get("DestinationConfig"),
    }
    aws.call("lambda", "PutFunctionEventInvokeConfig", {k: v for k, v in params.items() if v is not None})
    return {"Ref": f"{props['FunctionName']}:{props.get('Qualifier', '$LATEST')}"}


def create_subscription(aws, stack, logical, props):
    params = {"TopicArn": props["TopicArn"], "Protocol": props["Protocol"], "Endpoint": props.get("Endpoint"), "ReturnSubscriptionArn": True}
    arn = aws.call("sns", "Subscribe", {k: v for k, v in params.items() if v is not None})["SubscriptionArn"]
    return {"Ref": arn}


API_HANDLERS = {
    "AWS::SecretsManager::Secret": create_secret,
    "AWS::SES::ConfigurationSet": create_configuration_set,
    "AWS::SES::EmailIdentity": create_email_identity,
    "AWS::Scheduler::ScheduleGroup": create_schedule_group,
    "AWS::Scheduler::Schedule": create_schedule,
    "AWS::CloudWatch::Alarm": create_alarm,
    "AWS::Logs::MetricFilter": create_metric_filter,
    "AWS::ApiGatewayV2::Api": create_http_api,
    "AWS::ApiGatewayV2::Stage": create_stage,
    "AWS::ApiGatewayV2::Route": create_route,
    "AWS::ApiGatewayV2::Integration": create_integration,
    "AWS::CloudFront::OriginAccessControl": create_origin_access_control,
    "AWS::CloudFront::Function": create_cloudfront_function,
    "AWS::CloudFront::Distribution": create_distribution,
    "AWS::S3::BucketPolicy": create_bucket_policy,
    "AWS::SNS::Subscription": create_subscription,
    "AWS::Lambda::EventInvokeConfig": create_event_invoke_config,
}
assert set(API_HANDLERS) == API


class Records:
    """Resources of the types moto has no API for, by type and name."""

    def __init__(self):
        self.names = {}

    def create(self, aws, stack, logical, rtype, props):
        keys = name_keys(rtype, props, Resolver({}, {})) or [("", generated_name(stack, logical))]
        for _, name in keys:
            if (rtype, name) in self.names:
                raise ResourceFailed(f"AlreadyExists: {rtype} {name} already exists (held by {self.names[(rtype, name)]}; recorded by the rehearsal, moto has no API for it).")
        for _, name in keys:
            self.names[(rtype, name)] = f"{stack} {logical}"
        ident = str(uuid.uuid4())
        return {"Ref": ident, "Id": ident, "LastModifiedTime": "2026-01-01T00:00:00Z"}


# ----------------------------------------------------------- the rehearsal


def resolve_dynamic_references(aws):
    """{{resolve:secretsmanager:id:SecretString[:json-key[:stage[:version]]]}}
    as CloudFormation resolves it when it creates a resource."""
    pattern = re.compile(r"\{\{resolve:([a-z-]+):([^}]*)\}\}")

    def one(match):
        service, body = match.groups()
        if service != "secretsmanager":
            raise RehearsalError(f"dynamic reference {match.group(0)}: only secretsmanager is supported")
        if "${" in body:
            return match.group(0)
        parts = body.split(":")
        secret_id, rest = (":".join(parts[:7]), parts[7:]) if body.startswith("arn:") else (parts[0], parts[1:])
        rest += [""] * (4 - len(rest))
        field, json_key, stage, version = rest[:4]
        if field not in ("", "SecretString"):
            raise RehearsalError(f"dynamic reference {match.group(0)}: expected SecretString")
        params = {"SecretId": secret_id}
        if stage:
            params["VersionStage"] = stage
        if version:
            params["VersionId"] = version
        try:
            value = aws("secretsmanager").get_secret_value(**params)["SecretString"]
        except Exception as e:
            raise ResourceFailed(f"dynamic reference to {secret_id}: {_client_error(e)}") from None
        return str(json.loads(value)[json_key]) if json_key else value

    return lambda text: pattern.sub(one, text)


class Stack:
    """One environment's stack: its template, its resources' states, values."""

    def __init__(self, env, name, parameters, tags, sam_template, template, pseudo):
        self.env = env
        self.name = name
        self.parameters = parameters
        self.tags = tags
        self.sam_template = sam_template  # ForEach expanded, before SAM
        self.template = template  # plain CloudFormation
        self.pseudo = pseudo
        self.resources = template["Resources"]
        self.values = {}  # logical -> {"Ref": ..., attr: ...}
        self.state = {}  # logical -> "created" | "failed: ..." | "skipped: ..." | "condition false"
        self.failures = []  # (logical, type, message), in order
        self.seconds = 0.0
        self.cloudformation_created = False
        self.cloudformation_broken = False


def kind_of(rtype):
    if rtype in MODELLED:
        return "cloudformation"
    if rtype in API:
        return "api"
    if rtype in RECORDED:
        return "record"
    raise RehearsalError(f"the rehearsal has no mapping for {rtype}: add it to MODELLED, API (with a create_* handler) or RECORDED in infra/rehearse.py")


def rehearse_stack(aws, records, stack, verbose=False):
    """Creates the stack's resources in waves, as their dependencies allow:
    those created through APIs as soon as what they refer to exists, those
    moto's CloudFormation models in one stack, created and then updated with
    each further wave (an HTTP API needs the functions, their permissions need
    the API)."""
    started = time.monotonic()
    resources = stack.resources
    names = set(resources)
    deps = {}
    for logical, res in resources.items():
        depends_on = res.get("DependsOn") or []
        depends_on = [depends_on] if isinstance(depends_on, str) else depends_on
        deps[logical] = (dependencies(res.get("Properties") or {}, names) | set(depends_on)) - {logical}
    kinds = {logical: kind_of(res["Type"]) for logical, res in resources.items()}
    resolver = Resolver(stack.parameters, stack.pseudo, stack.template.get("Conditions"), stack.template.get("Mappings"), stack.values, resolve_dynamic_references(aws))
    for logical, res in resources.items():
        if res.get("Condition") and not resolver.condition(res["Condition"]):
            stack.state[logical] = "condition false"

    def ready(n):
        return all(stack.state.get(d) in ("created", "condition false") for d in deps[n])

    def fail(logical, message):
        stack.state[logical] = f"failed: {message}"
        stack.failures.append((logical, resources[logical]["Type"], message))

    def create_via_api(logical):
        rtype = resources[logical]["Type"]
        try:
            props = resolver.resolve(resources[logical].get("Properties") or {})
            if kinds[logical] == "record":
                stack.values[logical] = records.create(aws, stack.name, logical, rtype, props)
            else:
                stack.values[logical] = API_HANDLERS[rtype](aws, stack.name, logical, props)
            stack.state[logical] = "created"
        except ResourceFailed as e:
            fail(logical, str(e))
        except Unresolvable as e:
            fail(logical, f"refers to {e.what}, which the rehearsal did not create")
        except RehearsalError:
            raise
        except Exception as e:
            fail(logical, _client_error(e))

    in_stack = set()
    while True:
        progressed = False
        again = True
        while again:
            again = False
            for logical in sorted(n for n in names if n not in stack.state and kinds[n] != "cloudformation" and ready(n)):
                create_via_api(logical)
                again = progressed = True
        wave = {n for n in names if n not in stack.state and kinds[n] == "cloudformation"}
        shrinking = True
        while shrinking:
            shrinking = False
            for n in sorted(wave):
                if any(stack.state.get(d) not in ("created", "condition false") and d not in wave for d in deps[n]):
                    wave.discard(n)
                    shrinking = True
        if wave and not stack.cloudformation_broken:
            cloudformation_wave(aws, stack, in_stack | wave, wave, kinds, resolver)
            in_stack |= wave
            progressed = True
        if not progressed:
            break
    for logical in sorted(names - set(stack.state)):
        dead = sorted(d for d in deps[logical] if stack.state.get(d) not in ("created", "condition false"))
        stack.state[logical] = f"skipped: needs {', '.join(dead)}"
    stack.seconds = time.monotonic() - started
    if verbose:
        for logical in sorted(names):
            print(f"    {stack.name} {logical} ({resources[logical]['Type']}, {kinds[logical]}): {stack.state.get(logical)}")


def cloudformation_wave(aws, stack, members, new, kinds, resolver):
    """Creates (first wave) or updates the environment's CloudFormation stack
    on moto so that it holds `members`, the types it models. Refs and GetAtts
    to resources created through APIs are substituted first; the stack's
    outputs carry the Refs and GetAtts of its resources that anything outside
    it uses (resources via APIs, the template's Outputs, the route check)."""
    resources = stack.resources
    known = {n: v for n, v in stack.values.items() if kinds[n] != "cloudformation"}
    body = {k: copy.deepcopy(v) for k, v in stack.template.items() if k in ("AWSTemplateFormatVersion", "Parameters", "Conditions", "Mappings")}
    body["Resources"] = {}
    for n in sorted(members):
        res = substitute_known(resources[n], known)
        if isinstance(res.get("DependsOn"), (str, list)):
            kept = [d for d in ([res["DependsOn"]] if isinstance(res["DependsOn"], str) else res["DependsOn"]) if d in members]
            res["DependsOn"] = kept
            if not kept:
                del res["DependsOn"]
        try:
            res = json.loads(resolver.dynamic(json.dumps(res)))
        except ResourceFailed as e:
            stack.state[n] = f"failed: {e}"
            stack.failures.append((n, res["Type"], str(e)))
            stack.cloudformation_broken = True
            return
        body["Resources"][n] = res
    wanted = set()
    for node in [resources[n] for n in resources if kinds[n] != "cloudformation"] + [stack.template.get("Outputs") or {}]:
        wanted |= {ref for ref in _references(node) if ref[0] in members}
    wanted |= {(n, "Arn") for n in members if resources[n]["Type"] == "AWS::Lambda::Function"}
    outputs = {}
    for logical, attribute in sorted(wanted, key=lambda r: (r[0], r[1] or "")):
        key = "Rehearsal" + re.sub(r"[^A-Za-z0-9]", "", f"{logical}{attribute or 'Ref'}")
        outputs[key] = {"Value": {"Ref": logical} if attribute is None else {"Fn::GetAtt": [logical, attribute]}}
    body["Outputs"] = outputs
    declared = body.get("Parameters") or {}
    cfn = aws("cloudformation")
    first = not stack.cloudformation_created
    try:
        request = dict(
            StackName=stack.name,
            TemplateBody=json.dumps(body),
            Parameters=[{"ParameterKey": k, "ParameterValue": ",".join(v) if isinstance(v, list) else str(v)} for k, v in stack.parameters.items() if k in declared],
            Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"],
            Tags=[{"Key": k, "Value": v} for k, v in stack.tags.items()],
        )
        (cfn.create_stack if first else cfn.update_stack)(**request)
        stack.cloudformation_created = True
        status = cfn.describe_stacks(StackName=stack.name)["Stacks"][0]
        created = {r["LogicalResourceId"]: r for r in cfn.describe_stack_resources(StackName=stack.name)["StackResources"]}
    except Exception as e:
        # moto creates a stack's resources inside CreateStack (UpdateStack): a
        # resource that fails makes the call fail, naming the cause but not
        # the resource; the collision check names it.
        message = _client_error(e)
        for n in sorted(new):
            stack.state[n] = f"failed: CloudFormation stack: {message}"
        stack.failures.append(("(CloudFormation stack)", "AWS::CloudFormation::Stack", f"{'CreateStack' if first else 'UpdateStack'} failed: {message}"))
        stack.cloudformation_broken = True
        return
    for n in sorted(new):
        r = created.get(n)
        if r and r["ResourceStatus"] in ("CREATE_COMPLETE", "UPDATE_COMPLETE"):
            stack.state[n] = "created"
            stack.values.setdefault(n, {})["Ref"] = r.get("PhysicalResourceId", "")
        else:
            message = f"{r['ResourceStatus']}: {r.get('ResourceStatusReason', '')}" if r else "moto's CloudFormation did not create it"
            stack.state[n] = f"failed: {message}"
            stack.failures.append((n, resources[n]["Type"], message))
    if status["StackStatus"] not in ("CREATE_COMPLETE", "UPDATE_COMPLETE"):
        stack.failures.append(("(CloudFormation stack)", "AWS::CloudFormation::Stack", status["StackStatus"]))
    by_key = {o["OutputKey"]: o["OutputValue"] for o in status.get("Outputs") or []}
    for key, spec in outputs.items():
        value = spec["Value"]
        logical = value["Ref"] if "Ref" in value else value["Fn::GetAtt"][0]
        if key in by_key:
            stack.values.setdefault(logical, {})["Ref" if "Ref" in value else value["Fn::GetAtt"][1]] = by_key[key]


def _references(node):
    """(logical, attribute or None) for every Ref/GetAtt/Sub variable."""
    found = set()

    def walk(n):
        if isinstance(n, dict):
            if len(n) == 1:
                (key, value), = n.items()
                if key == "Ref" and isinstance(value, str):
                    found.add((value, None))
                elif key == "Fn::GetAtt":
                    target, attribute = value if isinstance(value, list) else str(value).split(".", 1)
                    found.add((target, attribute))
                elif key == "Fn::Sub":
                    text, variables = _sub_parts(value)
                    for var in _SUB_VAR.findall(text):
                        if not var.startswith("!") and var not in variables:
                            found.add(tuple(var.split(".", 1)) if "." in var else (var, None))
                    walk(variables)
                    return
            for v in n.values():
                walk(v)
        elif isinstance(n, list):
            for v in n:
                walk(v)

    walk(node)
    return found


def check_routes(aws, stack, expected):
    """Exactly one route per HttpApi event, each to its function."""
    problems, count = [], 0
    by_api = defaultdict(dict)
    for (api, route), function in expected.items():
        by_api[api][route] = function
    for api, routes in sorted(by_api.items()):
        if stack.state.get(api) != "created":
            problems.append(f"{stack.name}: API {api} was not created ({stack.state.get(api, 'not in the template')}); its {len(routes)} routes are untested")
            continue
        api_id = stack.values[api]["Ref"]
        client = aws("apigatewayv2")
        actual = client.get_routes(ApiId=api_id, MaxResults="500")["Items"]
        integrations = {i["IntegrationId"]: i for i in client.get_integrations(ApiId=api_id, MaxResults="500")["Items"]}
        seen = defaultdict(list)
        for r in actual:
            key = r["RouteKey"].replace("X-AMAZON-APIGATEWAY-ANY-METHOD ", "ANY ")
            seen[key].append(r)
        for route, function in sorted(routes.items()):
            found = seen.get(route, [])
            if len(found) != 1:
                problems.append(f"{stack.name}: {route} ({function}) has {len(found)} routes, expected exactly one")
                continue
            target = found[0].get("Target", "")
            integration = integrations.get(target.removeprefix("integrations/"))
            if not integration:
                problems.append(f"{stack.name}: {route} has no integration (target {target!r})")
                continue
            uri = integration.get("IntegrationUri", "")
            m = re.search(r"functions/(arn:[^/]+)/invocations", uri)
            arn = m.group(1) if m else uri
            want = stack.values.get(function, {}).get("Arn")
            if arn != want:
                problems.append(f"{stack.name}: {route} is integrated with {arn}, expected {function} ({want})")
            else:
                count += 1
        for route in sorted(set(seen) - set(routes)):
            problems.append(f"{stack.name}: API {api} has route {route}, which no HttpApi event declares")
    return count, problems


def check_outputs(stack):
    problems = []
    resolver = Resolver(stack.parameters, stack.pseudo, stack.template.get("Conditions"), stack.template.get("Mappings"), stack.values)
    for key, output in (stack.template.get("Outputs") or {}).items():
        if output.get("Condition") and not resolver.condition(output["Condition"]):
            continue
        try:
            resolver.resolve(output.get("Value"))
        except Unresolvable as e:
            if not stack.failures:
                problems.append(f"{stack.name}: output {key} refers to {e.what}, which was not created")
    return problems


# --------------------------------------------------------------- parameters


def environment_settings(samconfig_path, env, overrides):
    """Stack name, region, tags and parameter values of one environment, from
    samconfig.toml, with SAMPLE_PARAMETERS for what it leaves to --guided."""
    config = tomllib.loads(Path(samconfig_path).read_text())
    section = config.get(env) or {}
    merged = {**(config.get("default", {}).get("global", {}).get("parameters", {})), **section.get("global", {}).get("parameters", {}), **section.get("deploy", {}).get("parameters", {})}
    parameters = dict(SAMPLE_PARAMETERS[env])
    for pair in shlex.split(merged.get("parameter_overrides", "")):
        key, _, value = pair.partition("=")
        parameters[key] = value
    tags = {}
    for pair in shlex.split(merged.get("tags", "")):
        key, _, value = pair.partition("=")
        tags[key] = value
    parameters.update(overrides.get(env, {}))
    return merged.get("stack_name", f"moments-{env}"), merged.get("region", "us-east-2"), parameters, tags


def stack_parameters(template, given):
    """The template's parameters with their defaults, as CloudFormation sees
    them (Number and list parameters as strings; CommaDelimitedList split for
    the ForEach collections)."""
    values = {}
    for name, spec in (template.get("Parameters") or {}).items():
        if name in given:
            values[name] = str(given[name])
        elif "Default" in spec:
            values[name] = str(spec["Default"])
        else:
            raise RehearsalError(f"parameter {name} has no value and no default: add it to SAMPLE_PARAMETERS or pass --parameter ENV:{name}=VALUE")
        allowed = spec.get("AllowedValues")
        if allowed and values[name] not in [str(a) for a in allowed]:
            raise RehearsalError(f"parameter {name}={values[name]!r} is not one of {allowed}")
        pattern = spec.get("AllowedPattern")
        if pattern and not re.fullmatch(pattern, values[name]):
            raise RehearsalError(f"parameter {name}={values[name]!r} does not match {pattern}")
    return values


def list_parameters(template, values):
    out = dict(values)
    for name, spec in (template.get("Parameters") or {}).items():
        if str(spec.get("Type", "")).startswith(("CommaDelimitedList", "List<")) and name in out:
            out[name] = [v.strip() for v in out[name].split(",")] if out[name] else []
    return out


# ---------------------------------------------------------------- main flow


def prepare(text, env, stack_name, region, account, given, bucket, key):
    source = load_template(text)
    values = stack_parameters(source, given)
    expanded = expand_for_each(source, list_parameters(source, values))
    pseudo = {
        "AWS::AccountId": account,
        "AWS::Region": region,
        "AWS::StackName": stack_name,
        "AWS::StackId": f"arn:aws:cloudformation:{region}:{account}:stack/{stack_name}/{uuid.uuid4()}",
        "AWS::Partition": "aws",
        "AWS::URLSuffix": "amazonaws.com",
        "AWS::NotificationARNs": [],
    }
    transformed = sam_transform(package(expanded, bucket, key), values, pseudo) if expanded.get("Transform") else expanded
    return Stack(env, stack_name, list_parameters(transformed, values), {}, expanded, transformed, pseudo)


def plan_names(stack):
    """(stack, logical, type, keys) for each resource whose condition holds."""
    resolver = Resolver(stack.parameters, stack.pseudo, stack.template.get("Conditions"), stack.template.get("Mappings"), stack.values)
    plans = []
    for logical, res in stack.resources.items():
        if res.get("Condition") and not resolver.condition(res["Condition"]):
            continue
        try:
            keys = name_keys(res["Type"], res.get("Properties") or {}, resolver)
        except Unresolvable:
            keys = []  # named after something not created: the failure says so
        plans.append((stack.name, logical, res["Type"], keys))
    return plans


def run(args):
    started = time.monotonic()
    endpoint = args.endpoint or os.environ.get("MOMENTS_TEST_AWS_ENDPOINT")
    if not endpoint:
        raise RehearsalError("no endpoint: pass --endpoint URL or set MOMENTS_TEST_AWS_ENDPOINT (moto's server, as infra/test.sh starts it)")
    overrides = defaultdict(dict)
    for item in args.parameter or []:
        env, _, pair = item.partition(":")
        key, _, value = pair.partition("=")
        if env not in ENVIRONMENTS or not key:
            raise RehearsalError(f"--parameter {item!r}: expected ENV:Key=Value with ENV one of {', '.join(ENVIRONMENTS)}")
        overrides[env][key] = value
    text = Path(args.template).read_text()
    account = str(random.randrange(10**11, 10**12))
    settings = {env: environment_settings(args.samconfig, env, overrides) for env in ENVIRONMENTS}
    regions = {s[1] for s in settings.values()}
    if len(regions) != 1:
        raise RehearsalError(f"samconfig.toml puts the environments in different regions ({', '.join(sorted(regions))}); this rehearsal is for one region")
    region = regions.pop()
    aws = Aws(endpoint, region, account)
    print(f"Rehearsing {args.template} as {' and '.join(s[0] for s in settings.values())} in one account ({account}, {region}) on {endpoint}")

    # `sam deploy`'s packaging: the code in the artifact bucket.
    bucket, key = f"moments-rehearsal-artifacts-{account}", "functions.zip"
    try:
        aws("s3").create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region} if region != "us-east-1" else {})
    except Exception as e:
        raise RehearsalError(f"moto's server at {endpoint} did not answer as S3: {_client_error(e)}") from None
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("bootstrap", "#!/bin/sh\n# the rehearsal's stand-in for a function\n")
    aws("s3").put_object(Bucket=bucket, Key=key, Body=zipped.getvalue())

    stacks, records, problems = [], Records(), []
    for env, (name, _, given, tags) in settings.items():
        stack = prepare(text, env, name, region, account, given, bucket, key)
        stack.tags = tags
        stacks.append(stack)
    for stack in stacks:
        rehearse_stack(aws, records, stack, args.verbose)

    print()
    for stack in stacks:
        counts = defaultdict(int)
        for logical, res in stack.resources.items():
            if stack.state.get(logical) != "condition false":
                counts[kind_of(res["Type"])] += 1
        total = sum(counts.values())
        created = sum(1 for s in stack.state.values() if s == "created")
        status = "CREATE_COMPLETE" if not stack.failures and created == total else f"CREATE_FAILED (CloudFormation would roll {stack.name} back)"
        print(f"{stack.name}: {status}: {created} of {total} resources created "
              f"({counts['cloudformation']} by moto's CloudFormation, {counts['api']} through service APIs, {counts['record']} recorded) in {stack.seconds:.1f} s")
        for logical, rtype, message in stack.failures:
            what = "its CloudFormation stack" if rtype == "AWS::CloudFormation::Stack" else f"{logical} ({rtype})"
            print(f"  FAILED {what}: {message}")
            problems.append(f"{stack.name}: {what} failed: {message}")
        skipped = sorted(l for l, s in stack.state.items() if s.startswith("skipped"))
        if skipped:
            shown = ", ".join(skipped[:8]) + (f" and {len(skipped) - 8} more" if len(skipped) > 8 else "")
            print(f"  not attempted, as they need a failed resource: {shown}")
            problems.append(f"{stack.name}: {len(skipped)} resources not created (they need a failed one)")

    collisions = find_collisions([p for stack in stacks for p in plan_names(stack)])
    print(f"\nNames AWS requires unique, shared by two resources: {len(collisions)}")
    for line in collisions:
        print(f"  COLLISION {line}")
        problems.append(f"collision: {line}")
    for rtype in sorted({line.split(" ", 1)[0] for line in collisions}):
        print(f"  why ({rtype}): {COLLISION_HINTS.get(rtype, DEFAULT_HINT)}")

    print()
    for stack in stacks:
        expected = http_api_events(stack.sam_template, Resolver(stack.parameters, stack.pseudo))
        count, route_problems = check_routes(aws, stack, expected)
        print(f"{stack.name}: {count} of {len(expected)} HttpApi events have exactly one route, integrated with their function")
        for p in route_problems:
            print(f"  ROUTE {p}")
        problems += route_problems
        output_problems = check_outputs(stack)
        for p in output_problems:
            print(f"  OUTPUT {p}")
        problems += output_problems

    seconds = time.monotonic() - started
    print(f"\nRehearsal took {seconds:.1f} s")
    if problems:
        print(f"\nREHEARSAL FAILED: {len(problems)} problem(s); the two environments cannot be deployed in one account as the template stands:", file=sys.stderr)
        for p in problems:
            print(f"  - {p}", file=sys.stderr)
        return 1
    print("Rehearsal passed: both stacks complete, no name shared, every HttpApi event routed to its function.")
    return 0


# ----------------------------------------------------------------- self-test

SELF_TEST_TEMPLATE = """
Transform: [AWS::LanguageExtensions]
Parameters:
  MailFrom: {Type: String}
  Queues: {Type: CommaDelimitedList, Default: "in,out-bound"}
Conditions:
  Always: !Equals [a, a]
Resources:
  Fn::ForEach::Logs:
    - Name
    - [auth, digest]
    - ${Name}Logs:
        Type: AWS::Logs::LogGroup
        Properties:
          LogGroupName: !Sub /aws/lambda/${AWS::StackName}-${Name}
      ${Name}Errors:
        Type: AWS::CloudWatch::Alarm
        Properties:
          AlarmDescription: The ${Name} function failed.
          Dimensions: [{Name: FunctionName, Value: !Ref Name}]
  Fn::ForEach::Queues:
    - Q
    - !Ref Queues
    - Queue&{Q}:
        Type: AWS::SQS::Queue
        Properties:
          QueueName: !Sub shared-${Q}
  Fn::ForEach::Outer:
    - Outer
    - [A, B]
    - Fn::ForEach::Inner:
        - Inner
        - [x, y]
        - Topic${Outer}${Inner}:
            Type: AWS::SNS::Topic
            Properties: {DisplayName: "${Outer}-${Inner}"}
  Weekly:
    Type: AWS::Scheduler::Schedule
    Properties: {Name: DigestFunctionWeekly}
  OwnWeekly:
    Type: AWS::Scheduler::Schedule
    Properties: {Name: !Sub "${AWS::StackName}-weekly"}
  Identity:
    Type: AWS::SES::EmailIdentity
    Condition: Always
    Properties: {EmailIdentity: !Ref MailFrom}
  Unnamed:
    Type: AWS::SES::ConfigurationSet
"""


def self_test(template_path):
    """Checks the ForEach expansion and the collision detection on a small
    inline template, so the checker can itself fail."""
    failures = []

    def expect(what, got, want):
        if callable(got):
            try:
                got = got()
            except Exception as e:
                got = f"<{type(e).__name__}: {e}>"
        if got != want:
            failures.append(f"{what}: got {got!r}, want {want!r}")

    source = load_template(SELF_TEST_TEMPLATE)
    plans = []
    for stack_name, mail in (("moments-dev", "moments@mo.gov"), ("moments-prod", "Moments@MO.gov")):
        values = stack_parameters(source, {"MailFrom": mail})
        expanded = expand_for_each(source, list_parameters(source, values))
        res = expanded["Resources"]
        expect("logical ids", sorted(res), sorted(["authLogs", "authErrors", "digestLogs", "digestErrors", "Queuein", "Queueoutbound", "TopicAx", "TopicAy", "TopicBx", "TopicBy", "Weekly", "OwnWeekly", "Identity", "Unnamed"]))
        expect("Sub keeps the pseudo parameter", lambda: res["digestLogs"]["Properties"]["LogGroupName"], {"Fn::Sub": "/aws/lambda/${AWS::StackName}-digest"})
        expect("${Name} in a plain string", lambda: res["authErrors"]["Properties"]["AlarmDescription"], "The auth function failed.")
        expect("Ref to the identifier", lambda: res["digestErrors"]["Properties"]["Dimensions"][0]["Value"], "digest")
        expect("&{Q} in a key, ${Q} in a value", lambda: res["Queueoutbound"]["Properties"]["QueueName"], {"Fn::Sub": "shared-out-bound"})
        expect("nested loops", lambda: res["TopicBy"]["Properties"]["DisplayName"], "B-y")
        expect("transform list", expanded.get("Transform"), None)
        stack = Stack("x", stack_name, values, {}, expanded, expanded, {"AWS::StackName": stack_name, "AWS::Region": "us-east-2", "AWS::AccountId": "111122223333", "AWS::Partition": "aws"})
        plans += plan_names(stack)
    collisions = find_collisions(plans)
    expect("collisions", collisions, [
        "AWS::SES::EmailIdentity 'moments@mo.gov' (unique per account and region): moments-dev Identity and moments-prod Identity",
        "AWS::SQS::Queue 'shared-in' (unique per account and region): moments-dev Queuein and moments-prod Queuein",
        "AWS::SQS::Queue 'shared-out-bound' (unique per account and region): moments-dev Queueoutbound and moments-prod Queueoutbound",
        "AWS::Scheduler::Schedule 'default/DigestFunctionWeekly' (unique per schedule group (account and region)): moments-dev Weekly and moments-prod Weekly",
    ])

    for bad, message in [
        ("Resources:\n  Fn::ForEach::L: [N, [a, a], {'R${N}': {Type: AWS::SNS::Topic}}]\n", "declared twice"),
        ("Parameters: {N: {Type: String, Default: x}}\nResources:\n  Fn::ForEach::L: [N, [a], {'R${N}': {Type: AWS::SNS::Topic}}]\n", "also a parameter"),
        ("Resources:\n  Fn::ForEach::L: [N, !GetAtt X.Y, {'R${N}': {Type: AWS::SNS::Topic}}]\n", "not a parameter"),
    ]:
        try:
            t = load_template(bad)
            expand_for_each(t, stack_parameters(t, {}))
            failures.append(f"expansion of {bad!r} should fail with {message!r}")
        except RehearsalError as e:
            if message not in str(e):
                failures.append(f"expansion of {bad!r}: {e} (want {message!r})")

    # The route expectations come from the SAM events.
    sam = load_template("""
Resources:
  F:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        A: {Type: HttpApi, Properties: {ApiId: !Ref Api, Method: get, Path: /api/a}}
        B: {Type: HttpApi, Properties: {ApiId: !Ref Api, Method: POST, Path: "/api/a/{id}"}}
        S: {Type: ScheduleV2, Properties: {ScheduleExpression: rate(1 day)}}
""")
    expect("routes", http_api_events(sam, Resolver({}, {})), {("Api", "GET /api/a"): "F", ("Api", "POST /api/a/{id}"): "F"})

    # Every type the template uses has a mapping, and moto still models the
    # ones left to its CloudFormation.
    from moto.cloudformation.parsing import get_model_map

    expect("types moto's CloudFormation no longer models", sorted(MODELLED - set(get_model_map())), [])
    expect("types both modelled and emulated", sorted((MODELLED & API) | (MODELLED & RECORDED) | (API & RECORDED)), [])
    template = load_template(Path(template_path).read_text())
    values = stack_parameters(template, SAMPLE_PARAMETERS["dev"])
    ours = expand_for_each(template, list_parameters(template, values))
    pseudo = {"AWS::AccountId": "111122223333", "AWS::Region": "us-east-2", "AWS::StackName": "moments-dev", "AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com"}
    for rtype in sorted({r["Type"] for r in sam_transform(package(ours, "b", "k"), values, pseudo)["Resources"].values()}):
        try:
            kind_of(rtype)
        except RehearsalError as e:
            failures.append(str(e))

    # SAM CLI's own expansion (samcli.lib.cfn_language_extensions) agrees
    # on the template's logical ids and types.
    from samcli.lib.cfn_language_extensions.api import process_template

    theirs = process_template(template, parameter_values=list_parameters(template, values))
    expect("logical ids and types against SAM CLI's expansion", {k: v["Type"] for k, v in ours["Resources"].items()}, {k: v["Type"] for k, v in theirs["Resources"].items()})

    if failures:
        print("rehearse.py self-test FAILED:", file=sys.stderr)
        for f in failures:
            print(f"  - {f}", file=sys.stderr)
        return 1
    print("rehearse.py self-test passed: ForEach expansion (literal, parameter, &{}, nested; SAM CLI agrees on the template), collision detection, route expectations, type mapping")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--endpoint", help="moto's server (default: $MOMENTS_TEST_AWS_ENDPOINT)")
    parser.add_argument("--template", default=str(ROOT / "template.yaml"), help="the SAM template (default: template.yaml)")
    parser.add_argument("--samconfig", default=str(ROOT / "samconfig.toml"), help="the environments' settings (default: samconfig.toml)")
    parser.add_argument("--parameter", action="append", metavar="ENV:Key=Value", help="override a parameter of one environment (dev or prod)")
    parser.add_argument("--verbose", action="store_true", help="print every resource's state")
    parser.add_argument("--self-test", action="store_true", help="check the checker (no server needed) and exit")
    args = parser.parse_args(argv)
    try:
        return self_test(args.template) if args.self_test else run(args)
    except RehearsalError as e:
        print(f"REHEARSAL FAILED: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
