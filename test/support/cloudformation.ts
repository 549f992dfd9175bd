/**
 * The template as CloudFormation receives it from `sam deploy`: expanded by the SAM translator
 * (docs/contracts.md §7), with its conditions evaluated for given parameter values.
 */
import { conditionHolds, type Json, type Values } from '../../scripts/cloudformation-yaml';
import { expandSam, packagedTemplate } from '../../tools/package/template';

export {
  conditionHolds,
  evaluate,
  type Json,
  type Values,
} from '../../scripts/cloudformation-yaml';

/** One expanded template per set of parameter values, from the pinned SAM translator. */
export function expandTemplate(valueSets: readonly Values[], path = 'template.yaml'): Json[] {
  return expandSam(path, valueSets as Record<string, string>[]);
}

/** The code location `packagedTemplates` writes into the template. */
export const PACKAGED_CODE = {
  prefix: 'artifacts',
  key: 'apigw-firehose-openobserve/processor-0.zip',
};

/**
 * The template as `npm run package` writes it for StackSets: expanded once, its parameters left to
 * CloudFormation, so the same template serves every set of values.
 */
export function packagedTemplates(valueSets: readonly Values[], path = 'template.yaml'): Json[] {
  const [expanded] = expandSam(path, [{}]);
  const packaged = packagedTemplate(expanded ?? {}, PACKAGED_CODE.prefix, PACKAGED_CODE.key);
  return valueSets.map(() => structuredClone(packaged));
}

/** The resources CloudFormation creates for these values: logical id → resource. */
export function createdResources(template: Json, values: Values): Record<string, Json> {
  return Object.fromEntries(
    Object.entries(template.Resources as Record<string, Json>).filter(([, resource]) =>
      conditionHolds(template, resource.Condition, values),
    ),
  );
}

/**
 * The logical ids and parameters a piece of the template refers to (`Ref`, `Fn::GetAtt`,
 * `${Name}` and `${Name.Attribute}` in `Fn::Sub`), following only the branch of each `Fn::If`
 * these values choose.
 */
export function referencedNames(template: Json, node: Json, values: Values): Set<string> {
  const names = new Set<string>();
  const walk = (value: Json) => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (typeof value !== 'object' || value === null) return;
    if ('Fn::If' in value) {
      const [condition, yes, no] = value['Fn::If'];
      return walk(conditionHolds(template, condition, values) ? yes : no);
    }
    if ('Ref' in value) names.add(value.Ref);
    if ('Fn::GetAtt' in value) {
      const target = value['Fn::GetAtt'];
      names.add(Array.isArray(target) ? target[0] : String(target).split('.')[0]);
    }
    if ('Fn::Sub' in value) {
      const sub = value['Fn::Sub'];
      const [text, variables] = Array.isArray(sub) ? sub : [sub, {}];
      for (const match of String(text).matchAll(/\$\{([^!}][^}]*)\}/g)) {
        const name = (match[1] as string).split('.')[0] as string;
        if (!(name in variables)) names.add(name);
      }
      return walk(variables);
    }
    for (const child of Object.values(value)) walk(child);
  };
  walk(node);
  return names;
}

/**
 * Every API Gateway stage these values create: the Stage resources, and the stage a Deployment
 * with a `StageName` creates on its own (without any of a Stage resource's settings).
 */
export function createdStages(
  template: Json,
  values: Values,
): { id: string; name: string; properties: Json }[] {
  return Object.entries(createdResources(template, values)).flatMap(([id, resource]) => {
    if (resource.Type === 'AWS::ApiGateway::Stage') {
      return [{ id, name: resource.Properties.StageName, properties: resource.Properties }];
    }
    if (resource.Type === 'AWS::ApiGateway::Deployment' && resource.Properties?.StageName) {
      return [{ id, name: resource.Properties.StageName, properties: {} }];
    }
    return [];
  });
}
