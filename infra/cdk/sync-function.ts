import { Duration, RemovalPolicy } from "aws-cdk-lib";
import { PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Architecture, Runtime } from "aws-cdk-lib/aws-lambda";
import { NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";
import { ESBUILD, type FunctionSpec } from "./functions";

export interface SyncFunctionProps {
  spec: FunctionSpec;
  environment: Record<string, string>;
  projectRoot: string;
}

/**
 * The shared settings of every function: nodejs22.x on ARM64, local esbuild (no Docker), minified
 * with source maps, its own log group and a role that may only write to it (grants add the rest).
 */
export class SyncFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: SyncFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal("lambda.amazonaws.com"),
      description: `${id}: least privilege`,
    });
    role.addToPolicy(
      new PolicyStatement({
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        // A log group's Arn attribute already ends in ":*", covering its streams.
        resources: [logGroup.logGroupArn],
      }),
    );
    super(scope, id, {
      entry: `${props.projectRoot}/${props.spec.entry}`,
      handler: "handler",
      description: props.spec.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.spec.memoryMb,
      timeout: Duration.seconds(props.spec.timeoutSeconds),
      logGroup,
      role,
      projectRoot: props.projectRoot,
      depsLockFilePath: `${props.projectRoot}/package-lock.json`,
      environment: {
        POWERTOOLS_SERVICE_NAME: "erpnext-wix-sync",
        POWERTOOLS_METRICS_NAMESPACE: "ErpnextWixSync",
        POWERTOOLS_LOG_LEVEL: "INFO",
        NODE_OPTIONS: "--enable-source-maps",

        ...props.environment,
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.CJS,
        target: ESBUILD.target,
        minify: ESBUILD.minify,
        sourceMap: ESBUILD.sourceMap,
        externalModules: [...ESBUILD.externalModules],
      },
    });
  }
}
