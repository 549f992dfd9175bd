// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the ${…} strings are CloudFormation !Sub expressions
import { readFileSync } from 'node:fs';
import { BUILD_OPTIONS, SETTINGS_CHECK_BUILD_OPTIONS } from '../scripts/build-options';
import { DEFAULT_FORMAT } from '../src/formats/known';
import { parseDropEvents, parseDropFields, parseRedact, parseSample } from '../src/rules';
import {
  conditionHolds,
  createdResources,
  createdStages,
  evaluate,
  expandTemplate as expandBySam,
  type Json,
  packagedTemplates,
  referencedNames,
  type Values,
} from './support/cloudformation';

/**
 * The template as CloudFormation receives it: SAM-expanded by `sam deploy`, and as `npm run
 * package` writes it for StackSets (no transform, its code in a bucket per region). Every test
 * below runs on both.
 */
const SOURCES: [string, (valueSets: readonly Values[]) => Json[]][] = [
  ['from sam deploy', expandBySam],
  ['packaged for StackSets', packagedTemplates],
];

describe.each(SOURCES)('template.yaml %s', (_source, expandTemplate) => {
  /**
   * The template as `sam deploy` sends it to CloudFormation (SAM-expanded, docs/contracts.md §7), for a
   * full deploy with an access key; the combinations below are expanded one by one.
   */
  const DEPLOY: Values = { OpenObserveAccessKey: 'a2V5' };
  const [template] = expandTemplate([DEPLOY]) as [Json];
  const resources: Record<string, Json> = template.Resources;
  const parameters: Record<string, Json> = template.Parameters;
  const ref = (name: string) => ({ Ref: name });
  const getAtt = (resource: string, attribute: string) => ({ 'Fn::GetAtt': [resource, attribute] });

  /** The assertion descriptions that fail for these parameter values: what CloudFormation refuses. */
  function refusals(values: Values): string[] {
    const failed: string[] = [];
    for (const rule of Object.values(template.Rules as Record<string, Json>)) {
      if (rule.RuleCondition && !evaluate(template, rule.RuleCondition, values)) continue;
      for (const assertion of rule.Assertions) {
        if (!evaluate(template, assertion.Assert, values)) failed.push(assertion.AssertDescription);
      }
    }
    return failed;
  }

  function statements(): { resource: string; statement: Json }[] {
    const found: { resource: string; statement: Json }[] = [];
    for (const [name, resource] of Object.entries(resources)) {
      const documents: Json[] = [];
      if (resource.Type === 'AWS::IAM::Role') {
        // A policy under `!If [cond, policy, NoValue]` is its second element.
        for (const policy of resource.Properties.Policies ?? [])
          documents.push((policy['Fn::If'] ? policy['Fn::If'][1] : policy).PolicyDocument);
      }
      if (resource.Type === 'AWS::S3::BucketPolicy')
        documents.push(resource.Properties.PolicyDocument);
      for (const document of documents) {
        for (const statement of document.Statement) {
          // An `!If [cond, statement, NoValue]` holds the statement in its second element.
          const real = statement['Fn::If'] ? statement['Fn::If'][1] : statement;
          found.push({ resource: name, statement: real });
        }
      }
    }
    return found;
  }

  /** A piece of the template with each `Fn::If` replaced by the branch these values choose. */
  function resolveIf(expanded: Json, node: Json, values: Values): Json {
    if (Array.isArray(node)) return node.map((item) => resolveIf(expanded, item, values));
    if (typeof node !== 'object' || node === null) return node;
    if ('Fn::If' in node) {
      const [condition, yes, no] = node['Fn::If'];
      return resolveIf(expanded, conditionHolds(expanded, condition, values) ? yes : no, values);
    }
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => [key, resolveIf(expanded, value, values)]),
    );
  }

  /**
   * What a role may do once deployed with these values: its managed policies, and the statements of
   * its inline policies and of every policy resource attached to it.
   */
  function grantsOf(expanded: Json, values: Values, roleId: string) {
    const created = createdResources(expanded, values);
    const role = resolveIf(expanded, created[roleId], values);
    const documents: Json[] = (role.Properties.Policies ?? [])
      .filter((p: Json) => p?.Ref !== 'AWS::NoValue')
      .map((p: Json) => p.PolicyDocument);
    for (const resource of Object.values(created)) {
      if (!['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'].includes(resource.Type)) continue;
      const attached = resource.Properties.Roles ?? [];
      if (attached.some((r: Json) => r.Ref === roleId))
        documents.push(resolveIf(expanded, resource.Properties.PolicyDocument, values));
    }
    const statements = documents
      .flatMap((document) => [document.Statement].flat())
      .filter((statement: Json) => statement?.Ref !== 'AWS::NoValue');
    return { managed: role.Properties.ManagedPolicyArns ?? [], statements };
  }

  describe('template.yaml as deployed (SAM-expanded)', () => {
    const stream = resources.DeliveryStream.Properties;
    const destination = stream.HttpEndpointDestinationConfiguration;

    it('runs the processor on the Node.js the suite runs on (scripts/lambda-node.sh), arm64, built by esbuild like npm run build', () => {
      const fn = resources.ProcessorFunction;
      expect(fn.Type).toBe('AWS::Lambda::Function');
      const tested = /^version=(\d+)\./m.exec(readFileSync('scripts/lambda-node.sh', 'utf8'))?.[1];
      expect(fn.Properties.Runtime).toBe(`nodejs${tested}.x`);
      expect(BUILD_OPTIONS.target).toBe(`node${tested}`);
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Metadata.BuildMethod).toBe('esbuild');
      const build = fn.Metadata.BuildProperties;
      expect(build.EntryPoints).toEqual(BUILD_OPTIONS.entryPoints);
      expect(build.Format).toBe(BUILD_OPTIONS.format);
      expect(build.Minify).toBe(BUILD_OPTIONS.minify);
      expect(build.Sourcemap).toBe(BUILD_OPTIONS.sourcemap);
      expect(build.Target).toBe(BUILD_OPTIONS.target);
      expect(build.External).toEqual(BUILD_OPTIONS.external);
      expect(build.Splitting).toBe(BUILD_OPTIONS.splitting);
      expect(fn.Properties.Handler).toBe('handler.handler');
      expect(fn.Properties.LoggingConfig.LogGroup).toEqual(ref('ProcessorLogGroup'));
      expect(resources.ProcessorLogGroup.Properties.RetentionInDays).toEqual(
        ref('LogRetentionDays'),
      );
    });

    it('passes every processor setting from a parameter', () => {
      expect(resources.ProcessorFunction.Properties.Environment.Variables).toMatchObject({
        LOG_FORMAT: ref('LogFormat'),
        ON_PARSE_ERROR: ref('OnParseError'),
        LATENCY_BUCKETS_MS: ref('LatencyBucketsMs'),
        SOURCE_IP: ref('SourceIp'),
        DROP_EVENTS: ref('DropEvents'),
        SAMPLE: ref('Sample'),
        REDACT: ref('Redact'),
        DROP_FIELDS: ref('DropFields'),
        POWERTOOLS_METRICS_DISABLED: { 'Fn::If': ['Metrics', 'false', 'true'] },
      });
    });

    it('checks the processor settings at deploy, with the function built the same way, before the function changes', () => {
      const processor = resources.ProcessorFunction;
      expect([processor.DependsOn].flat()).toContain('SettingsCheck');
      const check = resources.SettingsCheck;
      expect(check.Type).toBe('Custom::ProcessorSettings');
      expect(check.Properties.ServiceToken).toEqual(getAtt('SettingsCheckFunction', 'Arn'));
      expect(check.Properties.ServiceTimeout).toBeLessThanOrEqual(300);
      // Every setting the processor reads, and only those: Powertools' and Node's are the stack's.
      const settings = Object.fromEntries(
        Object.entries(processor.Properties.Environment.Variables).filter(
          ([name]) => !/^(POWERTOOLS_|NODE_OPTIONS$)/.test(name),
        ),
      );
      expect(check.Properties.Environment).toEqual(settings);

      const fn = resources.SettingsCheckFunction;
      expect(fn.Type).toBe('AWS::Lambda::Function');
      expect(fn.Properties.Handler).toBe('settings-check.handler');
      expect(fn.Properties.Runtime).toBe(processor.Properties.Runtime);
      expect(fn.Properties.Architectures).toEqual(processor.Properties.Architectures);
      expect(fn.Properties.Role).toEqual(processor.Properties.Role);
      expect(fn.Properties.LoggingConfig.LogGroup).toEqual(ref('ProcessorLogGroup'));
      // The code the processor's is: in a package, the one zip both builds are in.
      expect(fn.Properties.Code).toEqual(processor.Properties.Code);
      const build = fn.Metadata.BuildProperties;
      expect(build.EntryPoints).toEqual(SETTINGS_CHECK_BUILD_OPTIONS.entryPoints);
      expect({ ...build, EntryPoints: undefined }).toEqual({
        ...processor.Metadata.BuildProperties,
        EntryPoints: undefined,
      });
    });

    it('logs the demo stage to the stream with the format the processor reads', () => {
      const [stage, ...others] = createdStages(template, DEPLOY);
      expect(others).toEqual([]);
      const logs = stage?.properties.AccessLogSetting;
      expect(logs.DestinationArn).toEqual(getAtt('DeliveryStream', 'Arn'));
      expect(logs.Format).toEqual(ref('LogFormat'));
      expect(parameters.LogFormat.Default).toBe(DEFAULT_FORMAT);
    });

    it('states the demo’s worst case as the stage’s throttle allows it: per method', () => {
      // A stage's throttle applies to each method on its own (API Gateway's "Throttle requests to
      // your REST APIs"), so the ceiling is the rate times the methods the API has.
      const [stage] = createdStages(template, DEPLOY);
      const all = stage?.properties.MethodSettings.find(
        (setting: Json) => setting.ResourcePath === '/*' && setting.HttpMethod === '*',
      );
      const verbs = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'];
      const methods = Object.values(resources.DemoApi.Properties.Body.paths as Record<string, Json>)
        .flatMap((path) => Object.keys(path))
        .filter((key) => verbs.includes(key) || key === 'x-amazon-apigateway-any-method').length;

      const readme = readFileSync('docs/deploy.md', 'utf8');
      const number = (pattern: RegExp, group = 1) => {
        const match = pattern.exec(readme);
        expect({ pattern: String(pattern), found: Boolean(match) }).toEqual({
          pattern: String(pattern),
          found: true,
        });
        return Number(match?.[group]);
      };
      expect(number(/throttles each method to (\d+) requests per second \(burst (\d+)\)/)).toBe(
        all.ThrottlingRateLimit,
      );
      expect(number(/throttles each method to \d+ requests per second \(burst (\d+)\)/)).toBe(
        all.ThrottlingBurstLimit,
      );
      const ceiling = all.ThrottlingRateLimit * methods;
      const worst =
        /With its (\d+) methods it serves at worst (\d+) requests per second \(bursts of (\d+)\), (\d+)\s+million requests in a 30-day month/;
      expect(number(worst, 1)).toBe(methods);
      expect(number(worst, 2)).toBe(ceiling);
      expect(number(worst, 3)).toBe(all.ThrottlingBurstLimit * methods);
      const requests = ceiling * 30 * 24 * 3600;
      expect(number(worst, 4)).toBe(Math.round(requests / 1e6));
      const price = number(/REST price of \$([\d.]+) per million/);
      expect(number(/per million \(us-east-1\),\s+about \$(\d+)/)).toBe(
        Math.round((requests / 1e6) * price),
      );
      const firehose = /Firehose at (\d+) KB per record, (\d+) GB at \$([\d.]+), about \$([\d.]+)/;
      const gigabytes = (requests * number(firehose, 1)) / 1e6;
      expect(number(firehose, 2)).toBe(Math.round(gigabytes));
      expect(number(firehose, 4)).toBeCloseTo(gigabytes * number(firehose, 3), 2);
      // Throttled requests are still logged: a flood is bounded by the stream's quota instead.
      const flood =
        /by default ([\d,]+) records\s+and (\d+) MiB a second \(docs\/contracts\.md §4\), which lines of (\d+) bytes reach at ([\d,]+) records a\s+second, each billed as (\d+) KB, ([\d,]+) GB a day, about \$(\d+) of ingestion/;
      expect({ flood: String(flood), found: flood.test(readme) }).toEqual({
        flood: String(flood),
        found: true,
      });
      const count = (group: number) => Number(flood.exec(readme)?.[group]?.replaceAll(',', ''));
      // The lower of the two quotas: records, or bytes over the line's size.
      const perSecond = Math.min(count(1), Math.floor((count(2) * 1024 * 1024) / count(3)));
      expect(count(4)).toBe(perSecond);
      const floodGigabytes = (perSecond * 86_400 * count(5)) / 1e6;
      expect(count(6)).toBe(Math.round(floodGigabytes));
      expect(count(7)).toBe(Math.round(floodGigabytes * number(firehose, 3)));
      const costTable =
        /\| Demo REST API \|[^\n]*throttled to (\d+) requests\/s per method, (\d+) in all/;
      expect(number(costTable, 1)).toBe(all.ThrottlingRateLimit);
      expect(number(costTable, 2)).toBe(ceiling);
    });

    it('uses a mock integration for the demo API: no backend, nothing to pay at rest', () => {
      const paths = resources.DemoApi.Properties.Body.paths;
      for (const path of Object.values(paths as Record<string, Json>)) {
        expect(path.get['x-amazon-apigateway-integration'].type).toBe('mock');
      }
    });

    it('makes this function the stream’s processor and delivers to OpenObserve’s Firehose endpoint', () => {
      const processor = destination.ProcessingConfiguration.Processors[0];
      expect(processor.Type).toBe('Lambda');
      const params = Object.fromEntries(
        processor.Parameters.map((p: Json) => [p.ParameterName, p.ParameterValue]),
      );
      expect(params.LambdaArn).toEqual(getAtt('ProcessorFunction', 'Arn'));
      expect(params.BufferSizeInMBs).toEqual(ref('ProcessorBufferSizeMB'));
      expect(destination.EndpointConfiguration.Url).toEqual({
        'Fn::Sub':
          '${OpenObserveEndpoint}/aws/${OpenObserveOrganization}/${OpenObserveStream}/_kinesis_firehose',
      });
      expect(destination.RequestConfiguration.ContentEncoding).toBe('GZIP');
      expect(destination.CloudWatchLoggingOptions.Enabled).toBe(true);
      expect(destination.S3BackupMode).toEqual(ref('S3BackupMode'));
      expect(parameters.S3BackupMode.AllowedValues).toEqual(['FailedDataOnly', 'AllData']);
    });

    it('keeps the processor buffer small enough that enlarged output stays far under 6 MB', () => {
      expect(parameters.ProcessorBufferSizeMB.MaxValue).toBeLessThanOrEqual(1);
      expect(parameters.ProcessorBufferSizeMB.Default).toBeLessThanOrEqual(1);
    });

    it('enforces the amazon-apigateway- prefix on the stream name', () => {
      const pattern = new RegExp(parameters.DeliveryStreamName.AllowedPattern);
      expect(pattern.test(parameters.DeliveryStreamName.Default)).toBe(true);
      expect(pattern.test('amazon-apigateway-prod_logs.v2')).toBe(true);
      expect(pattern.test('access-logs')).toBe(false);
      expect(pattern.test('my-amazon-apigateway-logs')).toBe(false);
      expect(stream.DeliveryStreamName).toEqual(ref('DeliveryStreamName'));
    });

    it('refuses at deploy an endpoint, secret or latency bounds the stack could not use', () => {
      const takes = (parameter: string, value: string) =>
        new RegExp(parameters[parameter].AllowedPattern).test(value);
      for (const endpoint of [
        'https://api.openobserve.ai',
        'https://logs.example.com/openobserve',
        'https://logs.example.com:443',
        'https://10.0.0.5',
      ]) {
        expect({ endpoint, deploys: takes('OpenObserveEndpoint', endpoint) }).toEqual({
          endpoint,
          deploys: true,
        });
      }
      for (const endpoint of [
        'http://logs.example.com',
        'https://logs.example.com/',
        // Firehose sends to 443 only.
        'https://logs.example.com:5080',
        // A password in a parameter CloudFormation shows, and in the stream's URL.
        'https://root:secret@logs.example.com',
        'https://logs.example.com?org=default',
        // The ingestion URL OpenObserve's own guide says to copy: the stack adds that path itself.
        'https://api.openobserve.ai/aws/default/api_gateway_access/_kinesis_firehose',
      ]) {
        expect({ endpoint, deploys: takes('OpenObserveEndpoint', endpoint) }).toEqual({
          endpoint,
          deploys: false,
        });
      }
      // IAM grants a secret by its whole ARN: one without the 6 characters Secrets Manager adds
      // matches no secret, and Firehose (or the function) could not read it.
      for (const parameter of ['OpenObserveAccessKeySecretArn', 'SourceIpHashKeySecretArn']) {
        const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:oo-key';
        expect(takes(parameter, `${arn}-AbCdEf`)).toBe(true);
        expect(takes(parameter, arn)).toBe(false);
      }
      expect(takes('LatencyBucketsMs', '50,100,250')).toBe(true);
      expect(takes('LatencyBucketsMs', '0')).toBe(false);
      expect(takes('LatencyBucketsMs', '0,100')).toBe(false);
    });

    it('never echoes the access key, and takes no hash key as a parameter', () => {
      expect(parameters.OpenObserveAccessKey.NoEcho).toBe(true);
      expect(
        Object.keys(parameters).filter((name) => /HashKey(?!SecretArn|KmsKeyArn)/.test(name)),
      ).toEqual([]);
    });

    it('refuses a full deploy with neither or both access-key sources, and accepts exactly one', () => {
      expect(refusals({})).toEqual([
        'Give OpenObserveAccessKey or OpenObserveAccessKeySecretArn; neither was given.',
      ]);
      const secret = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:oo-AbCdEf';
      expect(
        refusals({ OpenObserveAccessKey: 'a2V5', OpenObserveAccessKeySecretArn: secret }),
      ).toEqual(['Give OpenObserveAccessKey or OpenObserveAccessKeySecretArn, not both.']);
      expect(refusals({ OpenObserveAccessKey: 'a2V5' })).toEqual([]);
      expect(refusals({ OpenObserveAccessKeySecretArn: secret })).toEqual([]);
      // `sam deploy --guided` asks for the hidden key until something is typed: `-` is no key.
      expect(
        refusals({ OpenObserveAccessKey: '-', OpenObserveAccessKeySecretArn: secret }),
      ).toEqual([]);
      expect(refusals({ OpenObserveAccessKey: '-' })).toEqual([
        'Give OpenObserveAccessKey or OpenObserveAccessKeySecretArn; neither was given.',
      ]);
      expect(refusals({ OpenObserveAccessKey: '-', DeployMode: 'function-only' })).toEqual([]);
      expect(refusals({ DeployMode: 'function-only' })).toEqual([]);
      expect(refusals({ OpenObserveAccessKey: 'a2V5', SourceIp: 'hash' })).toEqual([]);
    });

    it('lets Firehose decrypt the access key with the key of yours that encrypts its secret, and only through Secrets Manager', () => {
      const secret = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:oo-AbCdEf';
      const key = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
      const decrypting = (values: Values) =>
        grantsOf(template, { ...DEPLOY, ...values }, 'DeliveryRole').statements.filter(
          (statement: Json) =>
            [statement.Action].flat().some((action) => action.startsWith('kms:')),
        );
      expect(
        decrypting({ OpenObserveAccessKeySecretArn: secret, OpenObserveAccessKeyKmsKeyArn: key }),
      ).toEqual([
        {
          Sid: 'DecryptAccessKey',
          Effect: 'Allow',
          Action: 'kms:Decrypt',
          Resource: ref('OpenObserveAccessKeyKmsKeyArn'),
          Condition: { StringLike: { 'kms:ViaService': 'secretsmanager.*.amazonaws.com' } },
        },
      ]);
      expect(decrypting({ OpenObserveAccessKeySecretArn: secret })).toEqual([]);
      expect(
        refusals({ OpenObserveAccessKey: 'a2V5', OpenObserveAccessKeyKmsKeyArn: key }),
      ).toEqual([
        'OpenObserveAccessKeyKmsKeyArn is the key of OpenObserveAccessKeySecretArn; give the secret too.',
      ]);
      expect(refusals({ OpenObserveAccessKey: 'a2V5', SourceIpHashKeyKmsKeyArn: key })).toEqual([
        'SourceIpHashKeyKmsKeyArn is the key of SourceIpHashKeySecretArn; give the secret too.',
      ]);
      const pattern = new RegExp(parameters.OpenObserveAccessKeyKmsKeyArn.AllowedPattern);
      expect(pattern.test(key)).toBe(true);
      // An alias names no key a policy can grant.
      expect(pattern.test('arn:aws:kms:us-east-1:111122223333:alias/openobserve')).toBe(false);
    });

    it('reads the key from Secrets Manager when a secret is given', () => {
      expect(destination.SecretsManagerConfiguration['Fn::If'][0]).toBe('UseSecret');
      expect(destination.SecretsManagerConfiguration['Fn::If'][1]).toMatchObject({
        Enabled: true,
        SecretARN: ref('OpenObserveAccessKeySecretArn'),
      });
      expect(destination.EndpointConfiguration.AccessKey['Fn::If'][2]).toEqual(
        ref('OpenObserveAccessKey'),
      );
    });

    it('scopes every IAM statement: no * resource on any action', () => {
      const found = statements();
      expect(found.length).toBeGreaterThan(5);
      for (const { resource, statement } of found) {
        if (statement.Effect !== 'Allow') continue;
        const targets = [statement.Resource].flat();
        for (const target of targets) {
          expect({ resource, target }).not.toEqual({ resource, target: '*' });
        }
      }
    });

    it('lets Firehose invoke only this function and write only to this bucket and its log stream', () => {
      const delivery = statements().filter(({ resource }) => resource === 'DeliveryRole');
      const bySid = Object.fromEntries(delivery.map(({ statement }) => [statement.Sid, statement]));
      expect(bySid.InvokeProcessor.Resource).toEqual([
        getAtt('ProcessorFunction', 'Arn'),
        { 'Fn::Sub': '${ProcessorFunction.Arn}:*' },
      ]);
      expect(bySid.BackupObjects.Resource).toEqual({ 'Fn::Sub': '${BackupBucket.Arn}/*' });
      expect(bySid.DeliveryErrorLogs.Action).toBe('logs:PutLogEvents');
      expect(bySid.DeliveryErrorLogs.Resource['Fn::Sub']).toContain(
        'log-group:${DeliveryLogGroup}:log-stream:${DeliveryLogStream}',
      );
      expect(bySid.ReadAccessKey.Resource).toEqual(ref('OpenObserveAccessKeySecretArn'));
    });

    it('logs errors writing to the backup bucket to a log stream of its own, with retention', () => {
      const backup = destination.S3Configuration;
      expect(backup.CloudWatchLoggingOptions).toEqual({
        Enabled: true,
        LogGroupName: ref('DeliveryLogGroup'),
        LogStreamName: ref('BackupLogStream'),
      });
      expect(resources.BackupLogStream.Properties.LogGroupName).toEqual(ref('DeliveryLogGroup'));
      expect(resources.BackupLogStream.Properties.LogStreamName).not.toBe(
        resources.DeliveryLogStream.Properties.LogStreamName,
      );
      expect(resources.DeliveryLogGroup.Properties.RetentionInDays).toEqual(
        ref('LogRetentionDays'),
      );
      const delivery = statements().filter(({ resource }) => resource === 'DeliveryRole');
      const writes = delivery
        .map(({ statement }) => statement)
        .filter((statement) => statement.Action === 'logs:PutLogEvents')
        .map((statement) => statement.Resource['Fn::Sub']);
      expect(writes).toContain(
        'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${DeliveryLogGroup}:log-stream:${BackupLogStream}',
      );
    });

    it('alarms when writes to the backup bucket fail, like the other stream alarms', () => {
      const alarms = Object.values(resources).filter(
        (r) =>
          r.Type === 'AWS::CloudWatch::Alarm' && r.Properties.MetricName === 'DeliveryToS3.Success',
      );
      expect(alarms).toEqual([
        expect.objectContaining({
          Condition: 'StreamAlarms',
          Properties: expect.objectContaining({
            Namespace: 'AWS/Firehose',
            Dimensions: [{ Name: 'DeliveryStreamName', Value: ref('DeliveryStream') }],
            Statistic: 'Average',
            Threshold: 1,
            ComparisonOperator: 'LessThanThreshold',
            // No backup written is no failure: FailedDataOnly writes nothing while all goes well.
            TreatMissingData: 'notBreaching',
            AlarmActions: [ref('AlarmTopicArn')],
          }),
        }),
      ]);
    });

    it('keeps the backup bucket and its TLS-only policy when the stack is deleted, not when its create fails', () => {
      for (const name of ['BackupBucket', 'BackupBucketPolicy']) {
        expect({ name, retained: resources[name].DeletionPolicy }).toEqual({
          name,
          retained: 'RetainExceptOnCreate',
        });
        expect(resources[name].UpdateReplacePolicy).toBe('Retain');
      }
    });

    it('locks the backup bucket down: encrypted, not public, TLS only, expiring', () => {
      const bucket = resources.BackupBucket.Properties;
      expect(bucket.BucketEncryption.ServerSideEncryptionConfiguration[0]).toBeDefined();
      expect(Object.values(bucket.PublicAccessBlockConfiguration)).toEqual([
        true,
        true,
        true,
        true,
      ]);
      expect(bucket.LifecycleConfiguration.Rules[0].ExpirationInDays).toEqual(
        ref('BackupRetentionDays'),
      );
      const [tlsOnly] = resources.BackupBucketPolicy.Properties.PolicyDocument.Statement;
      expect(tlsOnly).toMatchObject({
        Effect: 'Deny',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      });
    });

    it('creates only the function, its role, its log group and the check of its settings in function-only mode', () => {
      const created = Object.keys(createdResources(template, { DeployMode: 'function-only' }));
      expect(created.sort()).toEqual([
        'ProcessorFunction',
        'ProcessorFunctionRole',
        'ProcessorLogGroup',
        'SettingsCheck',
        'SettingsCheckFunction',
      ]);
    });

    it('subscribes a CloudWatch Logs group when one is given, with the role CloudWatch Logs needs', () => {
      expect(resources.LogGroupSubscription).toMatchObject({
        Condition: 'Subscribe',
        Properties: {
          LogGroupName: ref('SubscribeLogGroupName'),
          DestinationArn: getAtt('DeliveryStream', 'Arn'),
          RoleArn: getAtt('SubscriptionRole', 'Arn'),
        },
      });
    });

    it('alarms on what loses records without a Lambda error: throttles, failed invocations, refused records', () => {
      const metric = (name: string) =>
        Object.values(resources).find(
          (r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties.MetricName === name,
        )?.Properties;
      // Names and dimensions as CloudWatch publishes them (docs/contracts.md §3, §4).
      const lambda = { Name: 'FunctionName', Value: ref('ProcessorFunction') };
      const stream = { Name: 'DeliveryStreamName', Value: ref('DeliveryStream') };
      for (const [name, Namespace, dimension, Statistic, ComparisonOperator, Threshold] of [
        ['Throttles', 'AWS/Lambda', lambda, 'Sum', 'GreaterThanThreshold', 0],
        ['ExecuteProcessing.Success', 'AWS/Firehose', stream, 'Average', 'LessThanThreshold', 1],
        ['ThrottledRecords', 'AWS/Firehose', stream, 'Sum', 'GreaterThanThreshold', 0],
      ] as const) {
        expect(metric(name)).toMatchObject({
          Namespace,
          Dimensions: [dimension],
          Statistic,
          ComparisonOperator,
          Threshold,
        });
      }
      // The failed-records alarm reads this stack's own metrics: its service is the stack's name.
      const service =
        resources.ProcessorFunction.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME;
      expect(service).toEqual(ref('AWS::StackName'));
      expect(metric('RecordsProcessingFailed')?.Dimensions).toEqual([
        { Name: 'service', Value: service },
      ]);
    });

    it('alarms only when a topic is given', () => {
      const alarms = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
      expect(alarms).toHaveLength(8);
      for (const alarm of alarms) {
        expect(['Alarms', 'StreamAlarms', 'MetricAlarms']).toContain(alarm.Condition);
        expect(alarm.Properties.AlarmActions).toEqual([ref('AlarmTopicArn')]);
      }
    });

    it("sends the demo stage's execution logs to the stream only when asked, never with bodies", () => {
      expect(parameters.DemoExecutionLogging).toMatchObject({
        Default: 'OFF',
        AllowedValues: ['OFF', 'ERROR', 'INFO'],
      });
      const stage = Object.values(resources).find(
        (resource) => resource.Type === 'AWS::ApiGateway::Stage',
      );
      expect(stage?.Properties.MethodSettings).toContainEqual(
        expect.objectContaining({
          LoggingLevel: ref('DemoExecutionLogging'),
          DataTraceEnabled: false,
        }),
      );
      const names = ['ExecutionLogsSource', 'ExecutionLogsDestination', 'ExecutionLogsDelivery'];
      for (const [level, created] of [
        ['OFF', false],
        ['ERROR', true],
        ['INFO', true],
      ] as const) {
        const values = { ...DEPLOY, DemoExecutionLogging: level };
        expect(names.filter((name) => name in createdResources(template, values))).toEqual(
          created ? names : [],
        );
      }
      const off = { ...DEPLOY, CreateDemoApi: 'false', DemoExecutionLogging: 'INFO' };
      expect(names.filter((name) => name in createdResources(template, off))).toEqual([]);
      expect(resources.ExecutionLogsSource.Properties).toMatchObject({
        LogType: 'EXECUTION_LOGS',
        ResourceArn: {
          'Fn::Sub':
            'arn:${AWS::Partition}:apigateway:${AWS::Region}:${AWS::AccountId}:/restapis/${DemoApi}/stages/demo',
        },
      });
      // CloudWatch Logs allows 60 characters; a stack name (StackSets' are 63) would not fit.
      for (const name of ['ExecutionLogsSource', 'ExecutionLogsDestination']) {
        const sub = resources[name].Properties.Name['Fn::Sub'] as string;
        expect(sub.replace('${DemoApi}', 'a1b2c3d4e5').length).toBeLessThanOrEqual(60);
        expect(sub).not.toContain('AWS::StackName');
      }
      expect(resources.ExecutionLogsDestination.Properties.DestinationResourceArn).toEqual(
        getAtt('DeliveryStream', 'Arn'),
      );
      expect(resources.ExecutionLogsDelivery.Properties).toEqual({
        DeliverySourceName: ref('ExecutionLogsSource'),
        DeliveryDestinationArn: getAtt('ExecutionLogsDestination', 'Arn'),
      });
      // CloudWatch Logs delivers vended logs only to a stream with this tag.
      expect(resources.DeliveryStream.Properties.Tags).toContainEqual({
        Key: 'LogDeliveryEnabled',
        Value: 'true',
      });
    });

    it('describes every output', () => {
      for (const output of Object.values(template.Outputs as Record<string, Json>)) {
        expect(output.Description).toEqual(expect.any(String));
      }
    });
  });

  describe('every combination of the parameters that change resources (SAM-expanded)', () => {
    const secret = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:oo-AbCdEf';
    const combinations: Values[] = [];
    for (const DeployMode of ['full', 'function-only'])
      for (const CreateDemoApi of ['true', 'false'])
        for (const SubscribeLogGroupName of ['', '/aws/vendedlogs/http-api-access'])
          for (const AlarmTopicArn of ['', 'arn:aws:sns:us-east-1:123456789012:alarms'])
            for (const PublishMetrics of ['true', 'false'])
              for (const DemoExecutionLogging of ['OFF', 'INFO'])
                for (const key of [
                  { OpenObserveAccessKey: 'a2V5' },
                  { OpenObserveAccessKeySecretArn: secret },
                ] as Values[])
                  combinations.push({
                    DeployMode,
                    CreateDemoApi,
                    SubscribeLogGroupName,
                    AlarmTopicArn,
                    PublishMetrics,
                    DemoExecutionLogging,
                    ...key,
                  });
    const expanded = expandTemplate(combinations);
    const cases = combinations.map(
      (values, index) => [JSON.stringify(values), values, expanded[index]] as const,
    );

    it.each(cases)(
      '%s: every stage logs to the stream, and it is the one stage the docs name',
      (_name, values, expandedTemplate) => {
        const stages = createdStages(expandedTemplate, values);
        const demo = values.DeployMode === 'full' && values.CreateDemoApi === 'true';
        // The docs and the DemoApiUrl output name one stage, /demo.
        expect(stages.map((stage) => stage.name)).toEqual(demo ? ['demo'] : []);
        for (const stage of stages) {
          expect({ stage: stage.name, logs: stage.properties.AccessLogSetting }).toEqual({
            stage: stage.name,
            logs: { DestinationArn: getAtt('DeliveryStream', 'Arn'), Format: ref('LogFormat') },
          });
          // The demo is public: every method of it is throttled to a small rate.
          expect(stage.properties.MethodSettings).toContainEqual(
            expect.objectContaining({
              ResourcePath: '/*',
              HttpMethod: '*',
              ThrottlingRateLimit: 5,
              ThrottlingBurstLimit: 10,
            }),
          );
        }
        const url = expandedTemplate.Outputs.DemoApiUrl;
        expect(conditionHolds(expandedTemplate, url.Condition, values)).toBe(demo);
        expect(url.Value['Fn::Sub']).toMatch(/\/demo$/);
      },
    );

    it.each(cases)(
      '%s: the function runs with its own role, which may write logs only to its own log group',
      (_name, values, expandedTemplate) => {
        const fn = expandedTemplate.Resources.ProcessorFunction.Properties;
        expect(fn.Role).toEqual(getAtt('ProcessorFunctionRole', 'Arn'));
        expect(fn.LoggingConfig.LogGroup).toEqual(ref('ProcessorLogGroup'));
        const { managed, statements } = grantsOf(expandedTemplate, values, 'ProcessorFunctionRole');
        // AWSLambdaBasicExecutionRole, which SAM adds to a role it generates, allows logs:* on "*".
        expect(managed).toEqual([]);
        const logs = statements.filter((statement: Json) =>
          [statement.Action].flat().some((action: string) => /^(logs:|\*)/.test(action)),
        );
        expect(logs).toEqual([
          expect.objectContaining({
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: {
              'Fn::Sub':
                'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${ProcessorLogGroup}:*',
            },
          }),
        ]);
        // Nothing else but the hash key's secret, when addresses are hashed.
        const others = statements.filter((statement: Json) => !logs.includes(statement));
        for (const statement of others)
          expect(statement.Action).toBe('secretsmanager:GetSecretValue');
      },
    );

    it.each(cases)(
      '%s: every reference names something that exists under the same conditions',
      (_name, values, expandedTemplate) => {
        const created = createdResources(expandedTemplate, values);
        const known = new Set([
          ...Object.keys(created),
          ...Object.keys(expandedTemplate.Parameters),
          'AWS::AccountId',
          'AWS::NoValue',
          'AWS::Partition',
          'AWS::Region',
          'AWS::StackName',
          'AWS::URLSuffix',
        ]);
        const dangling: string[] = [];
        for (const [id, resource] of Object.entries(created)) {
          const names = referencedNames(
            expandedTemplate,
            [resource.Properties ?? {}, resource.DependsOn ?? []],
            values,
          );
          for (const name of names) if (!known.has(name)) dangling.push(`${id} → ${name}`);
        }
        for (const [id, output] of Object.entries(
          expandedTemplate.Outputs as Record<string, Json>,
        )) {
          if (!conditionHolds(expandedTemplate, output.Condition, values)) continue;
          for (const name of referencedNames(expandedTemplate, output.Value, values)) {
            if (!known.has(name)) dangling.push(`output ${id} → ${name}`);
          }
        }
        expect(dangling).toEqual([]);
      },
    );

    it.each(cases)(
      '%s: a stream with an alarm topic alarms on failed backups; docs/deploy.md counts the alarms',
      (_name, values, expandedTemplate) => {
        const created = createdResources(expandedTemplate, values);
        const alarms = Object.values(created).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
        const backup = alarms.filter((r) => r.Properties.MetricName === 'DeliveryToS3.Success');
        expect(backup).toHaveLength(created.DeliveryStream && values.AlarmTopicArn ? 1 : 0);
        // The cost table states the most a deploy creates: full, with a topic and metrics.
        if (
          values.DeployMode === 'full' &&
          values.AlarmTopicArn &&
          values.PublishMetrics === 'true'
        ) {
          const readme = readFileSync('docs/deploy.md', 'utf8');
          const stated = /\| Alarms \(`AlarmTopicArn` set\) \| (\d+) standard alarms/.exec(readme);
          expect(Number(stated?.[1])).toBe(alarms.length);
        }
      },
    );

    it.each(cases)(
      '%s: the outputs name what a user needs of the resources created',
      (_name, values, expandedTemplate) => {
        const created = createdResources(expandedTemplate, values);
        const outputs = Object.entries(expandedTemplate.Outputs as Record<string, Json>)
          .filter(([, output]) => conditionHolds(expandedTemplate, output.Condition, values))
          .map(([id]) => id);
        const expected = ['ProcessorFunctionArn'];
        if (created.DeliveryStream)
          expected.push('DeliveryStreamName', 'DeliveryStreamArn', 'NextStepStage');
        else expected.push('NextStepAttach');
        if (created.BackupBucket) expected.push('BackupBucketName');
        if (created.DemoApi) expected.push('DemoApiUrl', 'NextStepDemo');
        expect(outputs.sort()).toEqual(expected.sort());
      },
    );
  });

  describe('the SOURCE_IP=hash key, as deployed (SAM-expanded)', () => {
    const given = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:ip-hash-key-AbCdEf';
    const key = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const cases: [string, Values][] = [
      ['keep', { SourceIp: 'keep' }],
      ['hash, generated key', { SourceIp: 'hash' }],
      ['hash, given secret', { SourceIp: 'hash', SourceIpHashKeySecretArn: given }],
      [
        'hash, given secret and its key',
        { SourceIp: 'hash', SourceIpHashKeySecretArn: given, SourceIpHashKeyKmsKeyArn: key },
      ],
    ];
    const expanded = expandTemplate(cases.map(([, values]) => ({ ...DEPLOY, ...values })));

    /** What the function's environment holds for the key, resolved for these values. */
    function keySetting(values: Values, index: number) {
      const expandedTemplate = expanded[index];
      const created = createdResources(expandedTemplate, { ...DEPLOY, ...values });
      const variables = created.ProcessorFunction.Properties.Environment.Variables;
      const resolve = (value: Json): Json => {
        if (value?.['Fn::If']) {
          const [condition, yes, no] = value['Fn::If'];
          return resolve(
            conditionHolds(expandedTemplate, condition, { ...DEPLOY, ...values }) ? yes : no,
          );
        }
        return value;
      };
      // The grants of the function's role besides writing its own log group.
      const readers = grantsOf(expandedTemplate, { ...DEPLOY, ...values }, 'ProcessorFunctionRole')
        .statements.filter((statement: Json) => statement.Sid !== 'WriteOwnLogGroup')
        .map((statement: Json) => ({ roles: [ref('ProcessorFunctionRole')], statement }));
      return { created, variables, arn: resolve(variables.SOURCE_IP_HASH_KEY_SECRET_ARN), readers };
    }

    it('creates a secret with a generated key when none is given, and names only its ARN', () => {
      const { created, variables, arn, readers } = keySetting(cases[1]?.[1] as Values, 1);
      expect(
        created.SourceIpHashKeySecret.Properties.GenerateSecretString.PasswordLength,
      ).toBeGreaterThanOrEqual(16);
      expect(arn).toEqual(ref('SourceIpHashKeySecret'));
      expect(variables.SOURCE_IP_HASH_KEY).toBeUndefined();
      expect(readers).toEqual([
        {
          roles: [ref('ProcessorFunctionRole')],
          statement: expect.objectContaining({
            Effect: 'Allow',
            Action: 'secretsmanager:GetSecretValue',
            Resource: ref('SourceIpHashKeySecret'),
          }),
        },
      ]);
    });

    it('uses the secret given, lets the function read exactly that one, and creates none', () => {
      const { created, arn, readers } = keySetting(cases[2]?.[1] as Values, 2);
      expect(created.SourceIpHashKeySecret).toBeUndefined();
      expect(arn).toEqual(ref('SourceIpHashKeySecretArn'));
      expect(readers.map(({ statement }) => statement.Resource)).toEqual([
        ref('SourceIpHashKeySecretArn'),
      ]);
    });

    it('lets the function decrypt the given secret with its key, through Secrets Manager only', () => {
      const { readers } = keySetting(cases[3]?.[1] as Values, 3);
      expect(readers.map(({ statement }) => statement)).toEqual([
        expect.objectContaining({ Resource: ref('SourceIpHashKeySecretArn') }),
        {
          Sid: 'DecryptGivenHashKey',
          Effect: 'Allow',
          Action: 'kms:Decrypt',
          Resource: ref('SourceIpHashKeyKmsKeyArn'),
          Condition: { StringLike: { 'kms:ViaService': 'secretsmanager.*.amazonaws.com' } },
        },
      ]);
    });

    it('names no secret and grants no read when addresses are not hashed', () => {
      const { created, arn, readers } = keySetting(cases[0]?.[1] as Values, 0);
      expect(created.SourceIpHashKeySecret).toBeUndefined();
      expect(arn).toEqual(ref('AWS::NoValue'));
      expect(readers).toEqual([]);
    });
  });

  describe('the keep-rule parameters, as deployed (SAM-expanded)', () => {
    const [template] = expandTemplate([{ OpenObserveAccessKey: 'a2V5' }]) as [Json];
    const parameters: Record<string, Json> = template.Parameters;
    const settings = [
      { parameter: 'DropEvents', variable: 'DROP_EVENTS', parse: parseDropEvents },
      { parameter: 'Sample', variable: 'SAMPLE', parse: parseSample },
      { parameter: 'Redact', variable: 'REDACT', parse: parseRedact },
      { parameter: 'DropFields', variable: 'DROP_FIELDS', parse: parseDropFields },
    ] as const;
    type Variable = (typeof settings)[number]['variable'];

    /**
     * Whether CloudFormation takes the value. It reads AllowedPattern as a Java regular expression
     * matched against the whole value; the patterns use only syntax Java and JavaScript read alike
     * (groups, classes, `\s`, `(?!…)`), and are anchored, so JavaScript's RegExp answers the same.
     */
    const deploys = (parameter: string, value: string) =>
      new RegExp(parameters[parameter].AllowedPattern).test(value);

    /** The examples "Rules: what leaves the account" gives, as `VARIABLE=value` in its code spans. */
    const readmeExamples = (() => {
      const readme = readFileSync('docs/reference.md', 'utf8');
      const section = readme.slice(readme.indexOf('## Rules: what leaves the account'));
      const text = section.slice(0, section.indexOf('\n## ', 1));
      const found: { variable: Variable; value: string }[] = [];
      for (const [, variable, value] of text.matchAll(
        /`(DROP_EVENTS|SAMPLE|REDACT|DROP_FIELDS)=([^`]+)`/g,
      )) {
        // A table cell writes `|` as `\|`.
        found.push({
          variable: variable as Variable,
          value: (value as string).replaceAll('\\|', '|'),
        });
      }
      return found;
    })();

    const mistakes: Record<Variable, string[]> = {
      DROP_EVENTS: [
        'http_method=OPTIONS, resource_path=/health',
        'user_agent~^ELB-HealthChecker, http_method=OPTIONS',
        'status==500',
        'status=~^5',
        'status~',
        'status~   ',
        'status=',
        'status=500|',
        'Method=OPTIONS',
        'http_method OPTIONS',
      ],
      SAMPLE: [
        'status_class=2xx:0.1, resource_path=/status:0.01',
        'status_class=2xx',
        'status_class=2xx:0',
        'status_class=2xx:10',
        'status_class==2xx:0.1',
        'status~:0.5',
      ],
      REDACT: ['email,jwt', 'email, jwt', 'card~\\d{16}, email', 'mail', 'card~', 'Card~\\d+'],
      DROP_FIELDS: ['caller;user', 'caller user', 'Caller', '_timestamp', 'caller,sample_rate'],
    };

    it('finds the examples docs/reference.md gives of every setting', () => {
      expect(new Set(readmeExamples.map(({ variable }) => variable))).toEqual(
        new Set(settings.map(({ variable }) => variable)),
      );
    });

    it.each(settings)(
      '$parameter accepts every documented example of $variable, and the function starts with it',
      ({ parameter, variable, parse }) => {
        const examples = readmeExamples.filter((example) => example.variable === variable);
        for (const { value } of examples) {
          expect({ value, deploys: deploys(parameter, value) }).toEqual({ value, deploys: true });
          expect(() => parse(value)).not.toThrow();
        }
      },
    );

    it.each(settings)('$parameter keeps its empty default: no rule', ({ parameter }) => {
      expect(parameters[parameter].Default).toBe('');
      expect(deploys(parameter, '')).toBe(true);
    });

    it.each(settings)(
      '$parameter refuses the common mistakes at deploy ($variable)',
      ({ parameter, variable }) => {
        for (const value of mistakes[variable]) {
          expect({ value, deploys: deploys(parameter, value) }).toEqual({ value, deploys: false });
        }
        // What CloudFormation prints when it refuses: the grammar, in words.
        expect(parameters[parameter].ConstraintDescription).toMatch(
          variable === 'DROP_FIELDS' ? /","/ : /";", never by ","/,
        );
      },
    );

    it('accepts the spacing and forms the function reads', () => {
      expect(deploys('DropEvents', ' status = 500 | 502 ; user_agent ~ bot, crawler ')).toBe(true);
      expect(deploys('Sample', 'resource_path~^/a:b:0.5; status_class=2xx:1')).toBe(true);
      expect(deploys('Redact', 'email; card~\\b\\d{13,16}\\b;')).toBe(true);
      expect(deploys('DropFields', 'caller, user')).toBe(true);
    });
  });
});
