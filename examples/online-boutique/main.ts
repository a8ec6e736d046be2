/**
 * Entry point of the Online Boutique example: `cdk8s synth` runs this file. From the
 * repository root: `npx projen synth:online-boutique`; manifests land in ./dist.
 */
import { synthOnlineBoutique } from './boutique';

synthOnlineBoutique();
