"""Expands template.yaml as `sam deploy` does before CloudFormation sees it (docs/contracts.md §7).

Reads a JSON list of parameter-value sets on standard input and writes, for each, the template
the SAM translator produces (or {"error": ...}). The function's local CodeUri is replaced by an
S3 location first, as `sam package` does; the pseudo parameters are those of a us-east-1 account.
"""
import json
import sys

import boto3
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator
from samtranslator.yaml_helper import yaml_parse

PSEUDO = {
    "AWS::Region": "us-east-1",
    "AWS::AccountId": "123456789012",
    "AWS::Partition": "aws",
    "AWS::StackName": "apigw-access-logs-openobserve",
    "AWS::URLSuffix": "amazonaws.com",
}


def expand(text, values):
    template = yaml_parse(text)
    for resource in template.get("Resources", {}).values():
        if resource.get("Type") == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = "s3://sam-artifacts/processor.zip"
    session = boto3.session.Session(region_name=PSEUDO["AWS::Region"])
    return Translator({}, Parser(), boto_session=session).translate(template, {**PSEUDO, **values})


def main():
    text = open(sys.argv[1] if len(sys.argv) > 1 else "template.yaml", encoding="utf-8").read()
    answers = []
    for values in json.load(sys.stdin):
        try:
            answers.append(expand(text, values))
        except Exception as error:  # the test shows what the translator refused
            answers.append({"error": str(error)})
    json.dump(answers, sys.stdout)


if __name__ == "__main__":
    main()
