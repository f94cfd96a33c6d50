// What the console reads back of each kind's config, to fill the forms that
// config-kinds.ts (and its -account and -policy parts) describe: a kind's
// fields are listed once, in the order of its form. The operations that
// read stages and policies spread these fragments.
import { graphql } from "../gql";

export const AdminStageConfig = graphql(`
  fragment AdminStageConfig on StageConfig {
    __typename
    ... on IdentificationStage {
      userFields
      passwordStageID: passwordStage {
        id
      }
      caseInsensitiveMatching
      showMatchedUser
      pretendUserExists
      enableRememberMe
      enrollmentFlowID: enrollmentFlow {
        id
      }
      recoveryFlowID: recoveryFlow {
        id
      }
      passwordlessFlowID: passwordlessFlow {
        id
      }
    }
    ... on PasswordStage {
      backends
      failedAttemptsBeforeCancel
      allowShowPassword
      configureFlowID: configureFlow {
        id
      }
    }
    ... on PromptStage {
      fields {
        fieldKey
        label
        type
        required
        placeholder
        initialValue
        order
        subText
        choices
      }
      validationPolicyIDs: validationPolicies {
        id
      }
    }
    ... on UserWriteStage {
      userCreationMode
      createUsersAsInactive
      createUsersGroupID: createUsersGroup {
        id
      }
      userType
    }
    ... on UserLoginStage {
      sessionDuration
      rememberMeOffset
      terminateOtherSessions
    }
    ... on UserLogoutStage {
      noSettings
    }
    ... on UserDeleteStage {
      noSettings
    }
    ... on DeviceCodeStage {
      noSettings
    }
    ... on AuthenticatorTotpStage {
      digits
      friendlyName
    }
    ... on AuthenticatorEmailStage {
      friendlyName
      tokenExpiry
    }
    ... on AuthenticatorWebauthnStage {
      userVerification
      residentKeyRequirement
      authenticatorAttachment
      friendlyName
    }
    ... on EmailStage {
      template
      tokenExpiry
      activateUserOnSuccess
      singleUse
      resendLimit
    }
    ... on AuthenticatorStaticStage {
      tokenCount
      friendlyName
    }
    ... on AuthenticatorValidateStage {
      deviceClasses
      notConfiguredAction
      configurationStageIDs: configurationStages {
        id
      }
      lastAuthThreshold
      webauthnUserVerification
    }
    ... on RedirectStage {
      mode
      targetStatic
      targetFlowID: targetFlow {
        id
      }
      keepContext
    }
    ... on DenyStage {
      denyMessage
    }
    ... on InvitationStage {
      continueFlowWithoutInvitation
    }
    ... on DummyStage {
      throwError
    }
    ... on ConsentStage {
      consentMode
      expiresIn
    }
    ... on CaptchaStage {
      provider
      difficulty
      siteKey
      secretSet
      verifyUrl
      minScore
    }
  }
`);

export const AdminPolicyConfig = graphql(`
  fragment AdminPolicyConfig on PolicyConfig {
    __typename
    ... on ExpressionPolicy {
      expression
    }
    ... on PasswordPolicy {
      passwordField
      lengthMin
      amountDigits
      amountUppercase
      amountLowercase
      amountSymbols
      symbolCharset
      checkBlocklist
      checkZxcvbn
      zxcvbnMinScore
      errorMessage
    }
    ... on ReputationPolicy {
      checkIp
      checkUsername
      threshold
    }
    ... on ExpiryPolicy {
      days
    }
    ... on EventMatcherPolicy {
      action
      clientIp
      app
      model
    }
    ... on DummyPolicy {
      result
      waitMin
      waitMax
    }
  }
`);
