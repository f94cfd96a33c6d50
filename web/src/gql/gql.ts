/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query AdminBrands {\n    brands(first: 500, orderBy: { field: DOMAIN, direction: ASC }) {\n      edges {\n        node {\n          id\n          domain\n          isDefault\n          brandingTitle\n        }\n      }\n    }\n  }\n": typeof types.AdminBrandsDocument,
    "\n  query AdminBrand($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Brand {\n        id\n        domain\n        isDefault\n        brandingTitle\n        brandingLogo\n        brandingFavicon\n        attributes\n        flowAuthenticationID\n        flowInvalidationID\n        flowRecoveryID\n        flowUnenrollmentID\n        flowUserSettingsID\n        flowDeviceCodeID\n      }\n    }\n  }\n": typeof types.AdminBrandDocument,
    "\n  mutation AdminCreateBrand($input: CreateBrandInput!) {\n    createBrand(input: $input) {\n      id\n    }\n  }\n": typeof types.AdminCreateBrandDocument,
    "\n  mutation AdminUpdateBrand($id: ID!, $input: UpdateBrandInput!) {\n    updateBrand(id: $id, input: $input) {\n      id\n    }\n  }\n": typeof types.AdminUpdateBrandDocument,
    "\n  mutation AdminDeleteBrand($id: ID!) {\n    deleteBrand(id: $id)\n  }\n": typeof types.AdminDeleteBrandDocument,
    "\n  fragment AdminStageConfig on StageConfig {\n    __typename\n    ... on IdentificationStage {\n      userFields\n      passwordStageID: passwordStage {\n        id\n      }\n      caseInsensitiveMatching\n      showMatchedUser\n      pretendUserExists\n      enableRememberMe\n      enrollmentFlowID: enrollmentFlow {\n        id\n      }\n      recoveryFlowID: recoveryFlow {\n        id\n      }\n      passwordlessFlowID: passwordlessFlow {\n        id\n      }\n    }\n    ... on PasswordStage {\n      backends\n      failedAttemptsBeforeCancel\n      allowShowPassword\n      configureFlowID: configureFlow {\n        id\n      }\n    }\n    ... on PromptStage {\n      fields {\n        fieldKey\n        label\n        type\n        required\n        placeholder\n        initialValue\n        order\n        subText\n        choices\n      }\n      validationPolicyIDs: validationPolicies {\n        id\n      }\n    }\n    ... on UserWriteStage {\n      userCreationMode\n      createUsersAsInactive\n      createUsersGroupID: createUsersGroup {\n        id\n      }\n      userType\n    }\n    ... on UserLoginStage {\n      sessionDuration\n      rememberMeOffset\n      terminateOtherSessions\n    }\n    ... on UserLogoutStage {\n      noSettings\n    }\n    ... on UserDeleteStage {\n      noSettings\n    }\n    ... on DeviceCodeStage {\n      noSettings\n    }\n    ... on AuthenticatorTotpStage {\n      digits\n      friendlyName\n    }\n    ... on AuthenticatorEmailStage {\n      friendlyName\n      tokenExpiry\n    }\n    ... on AuthenticatorWebauthnStage {\n      userVerification\n      residentKeyRequirement\n      authenticatorAttachment\n      friendlyName\n    }\n    ... on EmailStage {\n      template\n      tokenExpiry\n      activateUserOnSuccess\n      singleUse\n      resendLimit\n    }\n    ... on AuthenticatorStaticStage {\n      tokenCount\n      friendlyName\n    }\n    ... on AuthenticatorValidateStage {\n      deviceClasses\n      notConfiguredAction\n      configurationStageIDs: configurationStages {\n        id\n      }\n      lastAuthThreshold\n      webauthnUserVerification\n    }\n    ... on RedirectStage {\n      mode\n      targetStatic\n      targetFlowID: targetFlow {\n        id\n      }\n      keepContext\n    }\n    ... on DenyStage {\n      denyMessage\n    }\n    ... on InvitationStage {\n      continueFlowWithoutInvitation\n    }\n    ... on DummyStage {\n      throwError\n    }\n    ... on ConsentStage {\n      consentMode\n      expiresIn\n    }\n    ... on CaptchaStage {\n      provider\n      difficulty\n      siteKey\n      secretSet\n      verifyUrl\n      minScore\n    }\n  }\n": typeof types.AdminStageConfigFragmentDoc,
    "\n  fragment AdminPolicyConfig on PolicyConfig {\n    __typename\n    ... on ExpressionPolicy {\n      expression\n    }\n    ... on PasswordPolicy {\n      passwordField\n      lengthMin\n      amountDigits\n      amountUppercase\n      amountLowercase\n      amountSymbols\n      symbolCharset\n      checkBlocklist\n      checkZxcvbn\n      zxcvbnMinScore\n      errorMessage\n    }\n    ... on ReputationPolicy {\n      checkIp\n      checkUsername\n      threshold\n    }\n    ... on ExpiryPolicy {\n      days\n    }\n    ... on EventMatcherPolicy {\n      action\n      clientIp\n      app\n      model\n    }\n    ... on DummyPolicy {\n      result\n      waitMin\n      waitMax\n    }\n  }\n": typeof types.AdminPolicyConfigFragmentDoc,
    "\n  fragment DashboardCounts on Query {\n    hourly: eventStats(actions: [LOGIN, LOGIN_FAILED], since: $hoursSince, bucket: HOUR) {\n      start\n      action\n      count\n    }\n    daily: eventStats(actions: [LOGIN, LOGIN_FAILED], since: $daysSince, bucket: DAY) {\n      start\n      action\n      count\n    }\n  }\n": typeof types.DashboardCountsFragmentDoc,
    "\n  query AdminDashboardCounts($hoursSince: Time!, $daysSince: Time!) {\n    ...DashboardCounts\n  }\n": typeof types.AdminDashboardCountsDocument,
    "\n  query AdminDashboardStats($hoursSince: Time!, $daysSince: Time!) {\n    ...DashboardCounts\n    users {\n      totalCount\n    }\n    topApplications(since: $daysSince, first: 5) {\n      slug\n      count\n      application {\n        id\n        name\n      }\n    }\n    serverInfo {\n      version\n    }\n    failingTransports: notificationTransports(where: { failing: true }, first: 20) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          lastError\n        }\n      }\n    }\n  }\n": typeof types.AdminDashboardStatsDocument,
    "\n  query AdminDashboardJobs {\n    jobs(first: 50, states: [RETRYABLE, DISCARDED]) {\n      edges {\n        node {\n          id\n          kind\n          state\n        }\n      }\n      pageInfo {\n        hasNextPage\n      }\n    }\n  }\n": typeof types.AdminDashboardJobsDocument,
    "\n  query AdminDashboardSessions {\n    activeSessions\n  }\n": typeof types.AdminDashboardSessionsDocument,
    "\n  subscription AdminDashboardEvents {\n    eventCreated(where: { actionIn: [LOGIN, LOGIN_FAILED, LOGOUT, SESSION_REVOKED, SYSTEM_TASK_EXCEPTION] }) {\n      id\n      action\n      createdAt\n      context\n    }\n  }\n": typeof types.AdminDashboardEventsDocument,
    "\n  query InputDefaults {\n    __schema {\n      types {\n        name\n        kind\n        inputFields {\n          name\n          defaultValue\n        }\n      }\n    }\n  }\n": typeof types.InputDefaultsDocument,
    "\n  fragment AdminEventFields on Event {\n    id\n    action\n    userID\n    username\n    clientIP\n    app\n    createdAt\n    context\n  }\n": typeof types.AdminEventFieldsFragmentDoc,
    "\n  query AdminEvents($first: Int!, $after: Cursor, $where: EventWhereInput) {\n    events(first: $first, after: $after, where: $where, orderBy: { field: CREATED_AT, direction: DESC }) {\n      edges {\n        node {\n          ...AdminEventFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.AdminEventsDocument,
    "\n  subscription AdminEventsLive($where: EventWhereInput) {\n    eventCreated(where: $where) {\n      ...AdminEventFields\n    }\n  }\n": typeof types.AdminEventsLiveDocument,
    "\n  query AdminEvent($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Event {\n        ...AdminEventFields\n      }\n    }\n  }\n": typeof types.AdminEventDocument,
    "\n  query AdminInvitations {\n    invitations(first: 500, orderBy: { field: CREATED_AT, direction: DESC }) {\n      edges {\n        node {\n          id\n          name\n          singleUse\n          uses\n          expires\n          createdAt\n          fixedData\n          flow {\n            id\n            name\n            slug\n          }\n          createdBy {\n            username\n          }\n        }\n      }\n    }\n  }\n": typeof types.AdminInvitationsDocument,
    "\n  mutation AdminCreateInvitation($input: CreateInvitationInput!) {\n    createInvitation(input: $input) {\n      link\n      invitation {\n        id\n        name\n      }\n    }\n  }\n": typeof types.AdminCreateInvitationDocument,
    "\n  mutation AdminDeleteInvitation($id: ID!) {\n    deleteInvitation(id: $id)\n  }\n": typeof types.AdminDeleteInvitationDocument,
    "\n  query AdminNotificationRules {\n    notificationRules(first: 500, orderBy: { field: NAME }) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          severity\n          destinationGroup {\n            id\n            name\n          }\n          transports {\n            id\n            name\n            failing\n          }\n        }\n      }\n    }\n  }\n": typeof types.AdminNotificationRulesDocument,
    "\n  query AdminNotificationRule($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on NotificationRule {\n        id\n        name\n        severity\n        policyEngineMode\n        destinationGroup {\n          id\n          name\n        }\n        transports {\n          id\n        }\n        policyBindings(first: 200, orderBy: { field: ORDER }) {\n          edges {\n            node {\n              ...AdminPolicyBinding\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.AdminNotificationRuleDocument,
    "\n  mutation AdminCreateNotificationRule($input: CreateNotificationRuleInput!) {\n    createNotificationRule(input: $input) {\n      id\n    }\n  }\n": typeof types.AdminCreateNotificationRuleDocument,
    "\n  mutation AdminUpdateNotificationRule($id: ID!, $input: UpdateNotificationRuleInput!) {\n    updateNotificationRule(id: $id, input: $input) {\n      id\n    }\n  }\n": typeof types.AdminUpdateNotificationRuleDocument,
    "\n  mutation AdminDeleteNotificationRule($id: ID!) {\n    deleteNotificationRule(id: $id)\n  }\n": typeof types.AdminDeleteNotificationRuleDocument,
    "\n  query AdminNotificationTransports {\n    notificationTransports(first: 500, orderBy: { field: NAME }) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          mode\n          sendOnce\n          failing\n          lastError\n          lastFailureAt\n        }\n      }\n    }\n  }\n": typeof types.AdminNotificationTransportsDocument,
    "\n  query AdminNotificationTransport($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on NotificationTransport {\n        id\n        name\n        mode\n        webhookUrl\n        webhookSecretSet\n        webhookMapping\n        webhookTimeout\n        sendOnce\n        failing\n        lastError\n        lastFailureAt\n      }\n    }\n  }\n": typeof types.AdminNotificationTransportDocument,
    "\n  mutation AdminCreateNotificationTransport($input: CreateNotificationTransportInput!) {\n    createNotificationTransport(input: $input) {\n      id\n    }\n  }\n": typeof types.AdminCreateNotificationTransportDocument,
    "\n  mutation AdminUpdateNotificationTransport($id: ID!, $input: UpdateNotificationTransportInput!) {\n    updateNotificationTransport(id: $id, input: $input) {\n      id\n    }\n  }\n": typeof types.AdminUpdateNotificationTransportDocument,
    "\n  mutation AdminDeleteNotificationTransport($id: ID!) {\n    deleteNotificationTransport(id: $id)\n  }\n": typeof types.AdminDeleteNotificationTransportDocument,
    "\n  query AdminFlows {\n    flows(first: 500, orderBy: { field: SLUG }) {\n      totalCount\n      edges {\n        node {\n          id\n          slug\n          name\n          title\n          designation\n        }\n      }\n    }\n  }\n": typeof types.AdminFlowsDocument,
    "\n  query AdminFlow($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Flow {\n        ...AdminFlowFields\n        bindings(first: 200, orderBy: { field: ORDER }) {\n          edges {\n            node {\n              ...AdminBinding\n            }\n          }\n        }\n      }\n    }\n  }\n  fragment AdminFlowFields on Flow {\n    id\n    slug\n    name\n    title\n    designation\n    layout\n    background\n    compatibilityMode\n    deniedAction\n    authentication\n    policyEngineMode\n  }\n  fragment AdminBinding on FlowStageBinding {\n    id\n    order\n    evaluateOnPlan\n    reEvaluatePolicies\n    invalidResponseAction\n    policyEngineMode\n    stage {\n      id\n      name\n      kind\n    }\n  }\n": typeof types.AdminFlowDocument,
    "\n  mutation AdminCreateFlow($input: CreateFlowInput!) {\n    createFlow(input: $input) {\n      id\n    }\n  }\n": typeof types.AdminCreateFlowDocument,
    "\n  mutation AdminUpdateFlow($id: ID!, $input: UpdateFlowInput!) {\n    updateFlow(id: $id, input: $input) {\n      id\n    }\n  }\n": typeof types.AdminUpdateFlowDocument,
    "\n  mutation AdminDeleteFlow($id: ID!) {\n    deleteFlow(id: $id)\n  }\n": typeof types.AdminDeleteFlowDocument,
    "\n  query AdminExportFlow($slug: String!) {\n    exportFlow(slug: $slug)\n  }\n": typeof types.AdminExportFlowDocument,
    "\n  mutation AdminCreateBinding($input: CreateFlowStageBindingInput!) {\n    createFlowStageBinding(input: $input) {\n      id\n    }\n  }\n": typeof types.AdminCreateBindingDocument,
    "\n  mutation AdminUpdateBinding($id: ID!, $input: UpdateFlowStageBindingInput!) {\n    updateFlowStageBinding(id: $id, input: $input) {\n      id\n    }\n  }\n": typeof types.AdminUpdateBindingDocument,
    "\n  mutation AdminSwapBindingOrders($a: ID!, $aOrder: Int!, $b: ID!, $bOrder: Int!) {\n    a: updateFlowStageBinding(id: $a, input: { order: $aOrder }) {\n      id\n    }\n    b: updateFlowStageBinding(id: $b, input: { order: $bOrder }) {\n      id\n    }\n  }\n": typeof types.AdminSwapBindingOrdersDocument,
    "\n  mutation AdminDeleteBinding($id: ID!) {\n    deleteFlowStageBinding(id: $id)\n  }\n": typeof types.AdminDeleteBindingDocument,
    "\n  query AdminStages {\n    stages(first: 500, orderBy: { field: NAME }) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          kind\n          bindings(first: 5) {\n            totalCount\n            edges {\n              node {\n                id\n                flow {\n                  id\n                  slug\n                }\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.AdminStagesDocument,
    "\n  query AdminStage($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Stage {\n        id\n        name\n        kind\n        config {\n          ...AdminStageConfig\n        }\n        bindings(first: 100) {\n          totalCount\n          edges {\n            node {\n              id\n              flow {\n                id\n                slug\n                name\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.AdminStageDocument,
    "\n  mutation AdminCreateStage($input: CreateStageInput!) {\n    createStage(input: $input) {\n      id\n    }\n  }\n": typeof types.AdminCreateStageDocument,
    "\n  mutation AdminUpdateStage($id: ID!, $input: UpdateStageInput!) {\n    updateStage(id: $id, input: $input) {\n      id\n    }\n  }\n": typeof types.AdminUpdateStageDocument,
    "\n  mutation AdminDeleteStage($id: ID!) {\n    deleteStage(id: $id)\n  }\n": typeof types.AdminDeleteStageDocument,
    "\n  query AdminPolicies {\n    policies(first: 500, orderBy: { field: NAME }) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          kind\n          executionLogging\n          bindings(first: 0) {\n            totalCount\n          }\n        }\n      }\n    }\n  }\n": typeof types.AdminPoliciesDocument,
    "\n  query AdminPolicy($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on PolicyDefinition {\n        id\n        name\n        kind\n        executionLogging\n        config {\n          ...AdminPolicyConfig\n        }\n        bindings(first: 100) {\n          totalCount\n          edges {\n            node {\n              id\n              enabled\n              flow {\n                id\n                slug\n              }\n              flowStageBinding {\n                id\n                flow {\n                  id\n                  slug\n                }\n                stage {\n                  id\n                  name\n                }\n              }\n              application {\n                id\n                name\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.AdminPolicyDocument,
    "\n  mutation AdminCreatePolicy($input: CreatePolicyInput!) {\n    createPolicy(input: $input) {\n      id\n    }\n  }\n": typeof types.AdminCreatePolicyDocument,
    "\n  mutation AdminUpdatePolicy($id: ID!, $input: UpdatePolicyInput!) {\n    updatePolicy(id: $id, input: $input) {\n      id\n    }\n  }\n": typeof types.AdminUpdatePolicyDocument,
    "\n  mutation AdminDeletePolicy($id: ID!) {\n    deletePolicy(id: $id)\n  }\n": typeof types.AdminDeletePolicyDocument,
    "\n  query AdminTestPolicy($input: PolicyTestInput!) {\n    testPolicy(input: $input) {\n      passing\n      messages\n      context\n      trace {\n        bindingId\n        subject\n        name\n        passing\n        negated\n        timedOut\n        error\n        messages\n        durationMs\n      }\n    }\n  }\n": typeof types.AdminTestPolicyDocument,
    "\n  query AdminStageOptions {\n    stages(first: 1000, orderBy: { field: NAME }) {\n      edges {\n        node {\n          id\n          name\n          kind\n        }\n      }\n    }\n  }\n": typeof types.AdminStageOptionsDocument,
    "\n  query AdminPolicyOptions {\n    policies(first: 1000, orderBy: { field: NAME }) {\n      edges {\n        node {\n          id\n          name\n          kind\n        }\n      }\n    }\n  }\n": typeof types.AdminPolicyOptionsDocument,
    "\n  query AdminGroupOptions {\n    groups(first: 1000, orderBy: { field: NAME }) {\n      edges {\n        node {\n          id\n          name\n        }\n      }\n    }\n  }\n": typeof types.AdminGroupOptionsDocument,
    "\n  query AdminUsers($where: UserWhereInput, $first: Int!, $after: Cursor) {\n    users(first: $first, after: $after, where: $where, orderBy: { field: USERNAME }) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          username\n          name\n          email\n          isActive\n          type\n          isSuperuser\n          lastLogin\n        }\n      }\n    }\n  }\n": typeof types.AdminUsersDocument,
    "\n  query AdminUser($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on User {\n        id\n        username\n        name\n        email\n        isActive\n        type\n        isSuperuser\n        createdAt\n        lastLogin\n        passwordChangedAt\n        groups {\n          id\n          name\n        }\n      }\n    }\n  }\n": typeof types.AdminUserDocument,
    "\n  mutation AdminCreateUser($input: CreateUserInput!, $password: String) {\n    createUser(input: $input, password: $password) {\n      id\n    }\n  }\n": typeof types.AdminCreateUserDocument,
    "\n  mutation AdminUpdateUser($id: ID!, $input: UpdateUserInput!) {\n    updateUser(id: $id, input: $input) {\n      id\n    }\n  }\n": typeof types.AdminUpdateUserDocument,
    "\n  mutation AdminSetUserPassword($id: ID!, $password: String) {\n    setUserPassword(id: $id, password: $password) {\n      id\n      passwordChangedAt\n    }\n  }\n": typeof types.AdminSetUserPasswordDocument,
    "\n  mutation AdminDeleteUser($id: ID!) {\n    deleteUser(id: $id)\n  }\n": typeof types.AdminDeleteUserDocument,
    "\n  query AdminGroups {\n    groups(first: 500, orderBy: { field: NAME }) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          isSuperuser\n          parents {\n            id\n            name\n          }\n          users(first: 0) {\n            totalCount\n          }\n        }\n      }\n    }\n  }\n": typeof types.AdminGroupsDocument,
    "\n  query AdminGroup($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Group {\n        id\n        name\n        isSuperuser\n        parents {\n          id\n          name\n        }\n        children {\n          id\n          name\n        }\n        users(first: 1000, orderBy: { field: USERNAME }) {\n          totalCount\n          edges {\n            node {\n              id\n              username\n              name\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.AdminGroupDocument,
    "\n  mutation AdminCreateGroup($input: CreateGroupInput!) {\n    createGroup(input: $input) {\n      id\n    }\n  }\n": typeof types.AdminCreateGroupDocument,
    "\n  mutation AdminUpdateGroup($id: ID!, $input: UpdateGroupInput!) {\n    updateGroup(id: $id, input: $input) {\n      id\n    }\n  }\n": typeof types.AdminUpdateGroupDocument,
    "\n  mutation AdminDeleteGroup($id: ID!) {\n    deleteGroup(id: $id)\n  }\n": typeof types.AdminDeleteGroupDocument,
    "\n  subscription AdminFlowInspector($executionId: ID!) {\n    flowInspector(executionId: $executionId) {\n      executionId\n      flowSlug\n      completed\n      plan {\n        position\n        kind\n        name\n        stageId\n        bindingId\n      }\n      history {\n        position\n        kind\n        name\n        result\n        at\n      }\n      context\n      errors {\n        field\n        message\n        code\n      }\n      outcome {\n        denied\n        message\n        to\n      }\n      createdAt\n      updatedAt\n    }\n  }\n": typeof types.AdminFlowInspectorDocument,
    "\n  query AdminOutposts {\n    outposts(first: 500, orderBy: { field: NAME }) {\n      edges {\n        node {\n          id\n          name\n          type\n          embedded\n          healthy\n          lastSeenAt\n          providers {\n            id\n            name\n          }\n        }\n      }\n    }\n    proxyProviders(first: 500, orderBy: { field: NAME }) {\n      edges {\n        node {\n          id\n          name\n          externalHost\n        }\n      }\n    }\n  }\n": typeof types.AdminOutpostsDocument,
    "\n  mutation AdminCreateOutpost($input: CreateOutpostInput!) {\n    createOutpost(input: $input) {\n      token\n      outpost {\n        id\n        name\n      }\n    }\n  }\n": typeof types.AdminCreateOutpostDocument,
    "\n  mutation AdminUpdateOutpost($id: ID!, $input: UpdateOutpostInput!) {\n    updateOutpost(id: $id, input: $input) {\n      id\n    }\n  }\n": typeof types.AdminUpdateOutpostDocument,
    "\n  mutation AdminRotateOutpostToken($id: ID!) {\n    rotateOutpostToken(id: $id) {\n      token\n      outpost {\n        id\n        name\n      }\n    }\n  }\n": typeof types.AdminRotateOutpostTokenDocument,
    "\n  mutation AdminDeleteOutpost($id: ID!) {\n    deleteOutpost(id: $id)\n  }\n": typeof types.AdminDeleteOutpostDocument,
    "\n  query AdminProxyProviders {\n    proxyProviders(first: 500, orderBy: { field: NAME }) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          externalHost\n          mode\n          application {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n": typeof types.AdminProxyProvidersDocument,
    "\n  query AdminProxyProvider($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on ProxyProvider {\n        id\n        name\n        externalHost\n        internalHost\n        internalHostTLSVerify\n        mode\n        cookieDomain\n        skipPathRegex\n        basicAuthEnabled\n        basicAuthUserAttribute\n        basicAuthPasswordAttribute\n        sendAccessToken\n        accessTokenValidity\n        authorizationFlow {\n          id\n        }\n        application {\n          id\n          name\n        }\n      }\n    }\n  }\n": typeof types.AdminProxyProviderDocument,
    "\n  mutation AdminCreateProxyProvider($input: CreateProxyProviderInput!) {\n    createProxyProvider(input: $input) {\n      id\n    }\n  }\n": typeof types.AdminCreateProxyProviderDocument,
    "\n  mutation AdminUpdateProxyProvider($id: ID!, $input: UpdateProxyProviderInput!) {\n    updateProxyProvider(id: $id, input: $input) {\n      id\n    }\n  }\n": typeof types.AdminUpdateProxyProviderDocument,
    "\n  mutation AdminDeleteProxyProvider($id: ID!) {\n    deleteProxyProvider(id: $id)\n  }\n": typeof types.AdminDeleteProxyProviderDocument,
    "\n  query AdminApplications {\n    applications(first: 500, orderBy: { field: NAME }) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          slug\n          group\n          provider {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n": typeof types.AdminApplicationsDocument,
    "\n  query AdminApplication($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Application {\n        id\n        name\n        slug\n        launchUrl\n        description\n        icon\n        group\n        policyEngineMode\n        provider {\n          id\n          name\n        }\n        policyBindings(first: 200, orderBy: { field: ORDER }) {\n          edges {\n            node {\n              ...AdminPolicyBinding\n            }\n          }\n        }\n      }\n    }\n  }\n  fragment AdminPolicyBinding on PolicyBinding {\n    id\n    order\n    enabled\n    negate\n    policy {\n      id\n      name\n      kind\n    }\n    group {\n      id\n      name\n    }\n    user {\n      id\n      username\n    }\n  }\n": typeof types.AdminApplicationDocument,
    "\n  mutation AdminCreateApplication($input: CreateApplicationInput!) {\n    createApplication(input: $input) {\n      id\n    }\n  }\n": typeof types.AdminCreateApplicationDocument,
    "\n  mutation AdminUpdateApplication($id: ID!, $input: UpdateApplicationInput!) {\n    updateApplication(id: $id, input: $input) {\n      id\n    }\n  }\n": typeof types.AdminUpdateApplicationDocument,
    "\n  mutation AdminDeleteApplication($id: ID!) {\n    deleteApplication(id: $id)\n  }\n": typeof types.AdminDeleteApplicationDocument,
    "\n  mutation AdminCreatePolicyBinding($input: CreatePolicyBindingInput!) {\n    createPolicyBinding(input: $input) {\n      id\n    }\n  }\n": typeof types.AdminCreatePolicyBindingDocument,
    "\n  mutation AdminUpdatePolicyBinding($id: ID!, $input: UpdatePolicyBindingInput!) {\n    updatePolicyBinding(id: $id, input: $input) {\n      id\n    }\n  }\n": typeof types.AdminUpdatePolicyBindingDocument,
    "\n  mutation AdminDeletePolicyBinding($id: ID!) {\n    deletePolicyBinding(id: $id)\n  }\n": typeof types.AdminDeletePolicyBindingDocument,
    "\n  query AdminProviders {\n    oauth2Providers(first: 500, orderBy: { field: NAME }) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          clientType\n          clientId\n          application {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n": typeof types.AdminProvidersDocument,
    "\n  query AdminProvider($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on OAuth2Provider {\n        ...AdminProviderFields\n      }\n    }\n  }\n  fragment AdminProviderFields on OAuth2Provider {\n    id\n    name\n    clientType\n    clientId\n    hasClientSecret\n    redirectUris {\n      url\n      matchingMode\n    }\n    postLogoutRedirectUris {\n      url\n      matchingMode\n    }\n    scopes\n    authorizationFlow {\n      id\n    }\n    invalidationFlow {\n      id\n    }\n    signingAlgorithm\n    signingKey {\n      id\n    }\n    accessTokenValidity\n    idTokenValidity\n    refreshTokenValidity\n    subjectMode\n    includeClaimsInIdToken\n    deviceAuthorization\n    application {\n      id\n      name\n    }\n  }\n": typeof types.AdminProviderDocument,
    "\n  mutation AdminCreateProvider($input: CreateOAuth2ProviderInput!) {\n    createOAuth2Provider(input: $input) {\n      provider {\n        id\n      }\n      clientSecret\n    }\n  }\n": typeof types.AdminCreateProviderDocument,
    "\n  mutation AdminUpdateProvider($id: ID!, $input: UpdateOAuth2ProviderInput!) {\n    updateOAuth2Provider(id: $id, input: $input) {\n      id\n    }\n  }\n": typeof types.AdminUpdateProviderDocument,
    "\n  mutation AdminRotateClientSecret($id: ID!) {\n    rotateClientSecret(id: $id) {\n      provider {\n        id\n      }\n      clientSecret\n    }\n  }\n": typeof types.AdminRotateClientSecretDocument,
    "\n  mutation AdminDeleteProvider($id: ID!) {\n    deleteOAuth2Provider(id: $id)\n  }\n": typeof types.AdminDeleteProviderDocument,
    "\n  query AdminProviderOptions {\n    oauth2Providers(first: 1000, orderBy: { field: NAME }) {\n      edges {\n        node {\n          id\n          name\n          application {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n": typeof types.AdminProviderOptionsDocument,
    "\n  query AdminSigningKeys {\n    signingKeys(first: 500, orderBy: { field: CREATED_AT, direction: DESC }) {\n      totalCount\n      edges {\n        node {\n          id\n          kid\n          algorithm\n          createdAt\n          retiredAt\n          expiresAt\n          current\n          pinnedBy {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n": typeof types.AdminSigningKeysDocument,
    "\n  query AdminScopeMappings {\n    scopeMappings(first: 500, orderBy: { field: SCOPE_NAME }) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          scopeName\n          description\n        }\n      }\n    }\n  }\n": typeof types.AdminScopeMappingsDocument,
    "\n  query AdminScopeMapping($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on ScopeMapping {\n        id\n        name\n        scopeName\n        description\n        expression\n      }\n    }\n  }\n": typeof types.AdminScopeMappingDocument,
    "\n  mutation AdminCreateScopeMapping($input: CreateScopeMappingInput!) {\n    createScopeMapping(input: $input) {\n      id\n    }\n  }\n": typeof types.AdminCreateScopeMappingDocument,
    "\n  mutation AdminUpdateScopeMapping($id: ID!, $input: UpdateScopeMappingInput!) {\n    updateScopeMapping(id: $id, input: $input) {\n      id\n    }\n  }\n": typeof types.AdminUpdateScopeMappingDocument,
    "\n  mutation AdminDeleteScopeMapping($id: ID!) {\n    deleteScopeMapping(id: $id)\n  }\n": typeof types.AdminDeleteScopeMappingDocument,
    "\n  query AdminTestScopeMapping($id: ID!, $userID: ID!) {\n    testScopeMapping(id: $id, userID: $userID) {\n      claims\n      droppedClaims\n      error\n    }\n  }\n": typeof types.AdminTestScopeMappingDocument,
    "\n  query AdminJobs($first: Int!, $after: String, $states: [JobState!]) {\n    jobs(first: $first, after: $after, states: $states) {\n      edges {\n        cursor\n        node {\n          ...AdminJobFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.AdminJobsDocument,
    "\n  fragment AdminJobFields on Job {\n    id\n    kind\n    state\n    attempt\n    maxAttempts\n    createdAt\n    scheduledAt\n    finalizedAt\n    errors {\n      attempt\n      at\n      message\n    }\n  }\n": typeof types.AdminJobFieldsFragmentDoc,
    "\n  mutation AdminRetryJob($id: ID!) {\n    retryJob(id: $id) {\n      ...AdminJobFields\n    }\n  }\n": typeof types.AdminRetryJobDocument,
    "\n  mutation AdminCancelJob($id: ID!) {\n    cancelJob(id: $id) {\n      ...AdminJobFields\n    }\n  }\n": typeof types.AdminCancelJobDocument,
    "\n  query AdminTokens {\n    tokens(first: 500, orderBy: { field: IDENTIFIER, direction: ASC }) {\n      edges {\n        node {\n          id\n          identifier\n          intent\n          description\n          expiring\n          expires\n          lastUsedAt\n          createdAt\n          user {\n            id\n            username\n          }\n        }\n      }\n    }\n  }\n": typeof types.AdminTokensDocument,
    "\n  mutation AdminCreateToken($input: CreateTokenInput!) {\n    createToken(input: $input) {\n      key\n      token {\n        id\n        identifier\n      }\n    }\n  }\n": typeof types.AdminCreateTokenDocument,
    "\n  mutation AdminUpdateToken($id: ID!, $input: UpdateTokenInput!) {\n    updateToken(id: $id, input: $input) {\n      id\n    }\n  }\n": typeof types.AdminUpdateTokenDocument,
    "\n  mutation AdminDeleteToken($id: ID!) {\n    deleteToken(id: $id)\n  }\n": typeof types.AdminDeleteTokenDocument,
    "\n  query AdminUserSessions($id: ID!) {\n    node(id: $id) {\n      ... on User {\n        sessions {\n          key\n          current\n          createdAt\n          lastSeenAt\n          expiresAt\n          clientIp\n          userAgent\n        }\n      }\n    }\n  }\n": typeof types.AdminUserSessionsDocument,
    "\n  mutation AdminRevokeUserSessions($id: ID!, $keys: [ID!]) {\n    revokeUserSessions(userID: $id, keys: $keys)\n  }\n": typeof types.AdminRevokeUserSessionsDocument,
    "\n  query AdminUserConsents($id: ID!) {\n    node(id: $id) {\n      ... on User {\n        consents {\n          application {\n            name\n            slug\n          }\n          scopes\n          consentedAt\n          expiresAt\n        }\n      }\n    }\n  }\n": typeof types.AdminUserConsentsDocument,
    "\n  mutation AdminRevokeUserConsent($id: ID!, $slug: String!) {\n    revokeUserConsent(userID: $id, applicationSlug: $slug)\n  }\n": typeof types.AdminRevokeUserConsentDocument,
    "\n  query AdminUserEvents($id: ID!, $first: Int!, $after: Cursor) {\n    events(\n      where: { or: [{ userID: $id }, { subjectID: $id }] }\n      first: $first\n      after: $after\n      orderBy: { field: CREATED_AT, direction: DESC }\n    ) {\n      edges {\n        node {\n          id\n          action\n          userID\n          username\n          app\n          clientIP\n          createdAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.AdminUserEventsDocument,
    "\n  query AdminUserDevices($id: ID!) {\n    node(id: $id) {\n      ... on User {\n        authenticatorDevices {\n          id\n          deviceClass\n          name\n          createdAt\n          lastUsedAt\n          remainingCodes\n        }\n      }\n    }\n  }\n": typeof types.AdminUserDevicesDocument,
    "\n  mutation AdminDeleteUserDevice($id: ID!) {\n    deleteUserAuthenticatorDevice(id: $id)\n  }\n": typeof types.AdminDeleteUserDeviceDocument,
    "\n  mutation AdminSendRecoveryLink($id: ID!) {\n    sendRecoveryLink(userID: $id) {\n      sentTo\n      expiresAt\n    }\n  }\n": typeof types.AdminSendRecoveryLinkDocument,
    "\n  fragment StageChallengeFields on Challenge {\n    ... on IdentificationChallenge {\n      userFields\n      passwordFields\n      allowShowPassword\n      enrollUrl\n      recoveryUrl\n      passwordlessUrl\n      primaryAction\n      enableRememberMe\n      loginHint\n    }\n    ... on PasswordChallenge {\n      allowShowPassword\n    }\n    ... on PromptChallenge {\n      fields {\n        fieldKey\n        label\n        type\n        required\n        placeholder\n        initialValue\n        order\n        subText\n        choices\n      }\n    }\n    ... on DummyChallenge {\n      name\n    }\n    ... on ConsentChallenge {\n      applicationName\n      applicationIcon\n      permissions {\n        scope\n        description\n        new\n      }\n    }\n    ... on DeviceCodeChallenge {\n      code\n    }\n    ... on AuthenticatorTotpChallenge {\n      configUrl\n      qrCode\n      secret\n    }\n    ... on AuthenticatorWebauthnChallenge {\n      registration\n    }\n    ... on EmailChallenge {\n      to\n      verified\n    }\n    ... on AuthenticatorStaticChallenge {\n      codes\n    }\n    ... on AuthenticatorValidateChallenge {\n      deviceClasses\n      webauthn\n      emailSentTo\n    }\n    ... on AuthenticatorEmailChallenge {\n      email\n      emailRequired\n    }\n    ... on CaptchaChallenge {\n      provider\n      siteKey\n      challenge\n      difficulty\n      scriptUrl\n      flowInfo {\n        designation\n      }\n    }\n  }\n": typeof types.StageChallengeFieldsFragmentDoc,
    "\n  fragment ExecutionFields on FlowExecution {\n    id\n    completed\n    step\n    revision\n    flow {\n      slug\n      title\n      designation\n      layout\n      background\n    }\n    challenge {\n      __typename\n      ... on FlowChallenge {\n        pendingUser\n        errors {\n          field\n          message\n          code\n        }\n      }\n      ...StageChallengeFields\n      ... on RedirectChallenge {\n        to\n        executionId\n      }\n      ... on AccessDeniedChallenge {\n        errorMessage\n      }\n      ... on FlowErrorChallenge {\n        requestId\n      }\n    }\n  }\n": typeof types.ExecutionFieldsFragmentDoc,
    "\n  mutation StartFlow($slug: String!, $query: String) {\n    startFlow(slug: $slug, query: $query) {\n      ...ExecutionFields\n    }\n  }\n": typeof types.StartFlowDocument,
    "\n  mutation SubmitChallenge($executionId: ID!, $response: ChallengeResponseInput!, $step: Int) {\n    submitChallenge(executionId: $executionId, response: $response, step: $step) {\n      ...ExecutionFields\n    }\n  }\n": typeof types.SubmitChallengeDocument,
    "\n  mutation RestartFlow($executionId: ID!) {\n    restartFlow(executionId: $executionId) {\n      ...ExecutionFields\n    }\n  }\n": typeof types.RestartFlowDocument,
    "\n  query FlowExecution($id: ID!) {\n    flowExecution(id: $id) {\n      ...ExecutionFields\n    }\n  }\n": typeof types.FlowExecutionDocument,
    "\n  subscription FlowExecutionChanges($id: ID!) {\n    flowExecution(id: $id) {\n      ...ExecutionFields\n    }\n  }\n": typeof types.FlowExecutionChangesDocument,
    "\n  fragment BellNotificationFields on Notification {\n    id\n    rule\n    severity\n    body\n    seen\n    createdAt\n  }\n": typeof types.BellNotificationFieldsFragmentDoc,
    "\n  query BellNotifications($first: Int!) {\n    viewer {\n      notifications(first: $first) {\n        edges {\n          node {\n            ...BellNotificationFields\n          }\n        }\n      }\n      unseen: notifications(first: 0, unseenOnly: true) {\n        totalCount\n      }\n    }\n  }\n": typeof types.BellNotificationsDocument,
    "\n  subscription BellNotificationCreated {\n    notificationCreated {\n      id\n    }\n  }\n": typeof types.BellNotificationCreatedDocument,
    "\n  mutation BellMarkSeen($ids: [ID!]!) {\n    markNotificationsSeen(ids: $ids) {\n      id\n    }\n  }\n": typeof types.BellMarkSeenDocument,
    "\n  query Site {\n    currentBrand {\n      title\n      logo\n      favicon\n      authenticationFlow\n      invalidationFlow\n      recoveryFlow\n      userSettingsFlow\n      unenrollmentFlow\n    }\n    viewer {\n      isSuperuser\n      user {\n        id\n        username\n        name\n        email\n      }\n    }\n  }\n": typeof types.SiteDocument,
    "\n  query MyAuthenticatorDevices {\n    viewer {\n      authenticatorDevices {\n        id\n        deviceClass\n        name\n        createdAt\n        lastUsedAt\n        remainingCodes\n      }\n    }\n  }\n": typeof types.MyAuthenticatorDevicesDocument,
    "\n  mutation RenameAuthenticatorDevice($id: ID!, $name: String!) {\n    renameAuthenticatorDevice(id: $id, name: $name) {\n      id\n      name\n    }\n  }\n": typeof types.RenameAuthenticatorDeviceDocument,
    "\n  mutation DeleteAuthenticatorDevice($id: ID!) {\n    deleteAuthenticatorDevice(id: $id)\n  }\n": typeof types.DeleteAuthenticatorDeviceDocument,
    "\n  query PasswordChangeFlow {\n    currentBrand {\n      passwordChangeFlow\n    }\n  }\n": typeof types.PasswordChangeFlowDocument,
    "\n  query MySessions {\n    viewer {\n      sessions {\n        key\n        current\n        createdAt\n        lastSeenAt\n        expiresAt\n        clientIp\n        userAgent\n      }\n    }\n  }\n": typeof types.MySessionsDocument,
    "\n  mutation RevokeSession($key: ID!) {\n    revokeSession(key: $key)\n  }\n": typeof types.RevokeSessionDocument,
    "\n  mutation RevokeOtherSessions {\n    revokeOtherSessions\n  }\n": typeof types.RevokeOtherSessionsDocument,
    "\n  query MyApplications {\n    viewer {\n      applications {\n        name\n        slug\n        group\n        description\n        icon\n        launchUrl\n      }\n    }\n  }\n": typeof types.MyApplicationsDocument,
    "\n  query ConnectedApplications {\n    viewer {\n      connectedApplications {\n        application {\n          name\n          slug\n          icon\n          launchUrl\n        }\n        scopes\n        consentedAt\n        expiresAt\n      }\n    }\n  }\n": typeof types.ConnectedApplicationsDocument,
    "\n  mutation RevokeApplicationAccess($slug: String!) {\n    revokeApplicationAccess(slug: $slug)\n  }\n": typeof types.RevokeApplicationAccessDocument,
};
const documents: Documents = {
    "\n  query AdminBrands {\n    brands(first: 500, orderBy: { field: DOMAIN, direction: ASC }) {\n      edges {\n        node {\n          id\n          domain\n          isDefault\n          brandingTitle\n        }\n      }\n    }\n  }\n": types.AdminBrandsDocument,
    "\n  query AdminBrand($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Brand {\n        id\n        domain\n        isDefault\n        brandingTitle\n        brandingLogo\n        brandingFavicon\n        attributes\n        flowAuthenticationID\n        flowInvalidationID\n        flowRecoveryID\n        flowUnenrollmentID\n        flowUserSettingsID\n        flowDeviceCodeID\n      }\n    }\n  }\n": types.AdminBrandDocument,
    "\n  mutation AdminCreateBrand($input: CreateBrandInput!) {\n    createBrand(input: $input) {\n      id\n    }\n  }\n": types.AdminCreateBrandDocument,
    "\n  mutation AdminUpdateBrand($id: ID!, $input: UpdateBrandInput!) {\n    updateBrand(id: $id, input: $input) {\n      id\n    }\n  }\n": types.AdminUpdateBrandDocument,
    "\n  mutation AdminDeleteBrand($id: ID!) {\n    deleteBrand(id: $id)\n  }\n": types.AdminDeleteBrandDocument,
    "\n  fragment AdminStageConfig on StageConfig {\n    __typename\n    ... on IdentificationStage {\n      userFields\n      passwordStageID: passwordStage {\n        id\n      }\n      caseInsensitiveMatching\n      showMatchedUser\n      pretendUserExists\n      enableRememberMe\n      enrollmentFlowID: enrollmentFlow {\n        id\n      }\n      recoveryFlowID: recoveryFlow {\n        id\n      }\n      passwordlessFlowID: passwordlessFlow {\n        id\n      }\n    }\n    ... on PasswordStage {\n      backends\n      failedAttemptsBeforeCancel\n      allowShowPassword\n      configureFlowID: configureFlow {\n        id\n      }\n    }\n    ... on PromptStage {\n      fields {\n        fieldKey\n        label\n        type\n        required\n        placeholder\n        initialValue\n        order\n        subText\n        choices\n      }\n      validationPolicyIDs: validationPolicies {\n        id\n      }\n    }\n    ... on UserWriteStage {\n      userCreationMode\n      createUsersAsInactive\n      createUsersGroupID: createUsersGroup {\n        id\n      }\n      userType\n    }\n    ... on UserLoginStage {\n      sessionDuration\n      rememberMeOffset\n      terminateOtherSessions\n    }\n    ... on UserLogoutStage {\n      noSettings\n    }\n    ... on UserDeleteStage {\n      noSettings\n    }\n    ... on DeviceCodeStage {\n      noSettings\n    }\n    ... on AuthenticatorTotpStage {\n      digits\n      friendlyName\n    }\n    ... on AuthenticatorEmailStage {\n      friendlyName\n      tokenExpiry\n    }\n    ... on AuthenticatorWebauthnStage {\n      userVerification\n      residentKeyRequirement\n      authenticatorAttachment\n      friendlyName\n    }\n    ... on EmailStage {\n      template\n      tokenExpiry\n      activateUserOnSuccess\n      singleUse\n      resendLimit\n    }\n    ... on AuthenticatorStaticStage {\n      tokenCount\n      friendlyName\n    }\n    ... on AuthenticatorValidateStage {\n      deviceClasses\n      notConfiguredAction\n      configurationStageIDs: configurationStages {\n        id\n      }\n      lastAuthThreshold\n      webauthnUserVerification\n    }\n    ... on RedirectStage {\n      mode\n      targetStatic\n      targetFlowID: targetFlow {\n        id\n      }\n      keepContext\n    }\n    ... on DenyStage {\n      denyMessage\n    }\n    ... on InvitationStage {\n      continueFlowWithoutInvitation\n    }\n    ... on DummyStage {\n      throwError\n    }\n    ... on ConsentStage {\n      consentMode\n      expiresIn\n    }\n    ... on CaptchaStage {\n      provider\n      difficulty\n      siteKey\n      secretSet\n      verifyUrl\n      minScore\n    }\n  }\n": types.AdminStageConfigFragmentDoc,
    "\n  fragment AdminPolicyConfig on PolicyConfig {\n    __typename\n    ... on ExpressionPolicy {\n      expression\n    }\n    ... on PasswordPolicy {\n      passwordField\n      lengthMin\n      amountDigits\n      amountUppercase\n      amountLowercase\n      amountSymbols\n      symbolCharset\n      checkBlocklist\n      checkZxcvbn\n      zxcvbnMinScore\n      errorMessage\n    }\n    ... on ReputationPolicy {\n      checkIp\n      checkUsername\n      threshold\n    }\n    ... on ExpiryPolicy {\n      days\n    }\n    ... on EventMatcherPolicy {\n      action\n      clientIp\n      app\n      model\n    }\n    ... on DummyPolicy {\n      result\n      waitMin\n      waitMax\n    }\n  }\n": types.AdminPolicyConfigFragmentDoc,
    "\n  fragment DashboardCounts on Query {\n    hourly: eventStats(actions: [LOGIN, LOGIN_FAILED], since: $hoursSince, bucket: HOUR) {\n      start\n      action\n      count\n    }\n    daily: eventStats(actions: [LOGIN, LOGIN_FAILED], since: $daysSince, bucket: DAY) {\n      start\n      action\n      count\n    }\n  }\n": types.DashboardCountsFragmentDoc,
    "\n  query AdminDashboardCounts($hoursSince: Time!, $daysSince: Time!) {\n    ...DashboardCounts\n  }\n": types.AdminDashboardCountsDocument,
    "\n  query AdminDashboardStats($hoursSince: Time!, $daysSince: Time!) {\n    ...DashboardCounts\n    users {\n      totalCount\n    }\n    topApplications(since: $daysSince, first: 5) {\n      slug\n      count\n      application {\n        id\n        name\n      }\n    }\n    serverInfo {\n      version\n    }\n    failingTransports: notificationTransports(where: { failing: true }, first: 20) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          lastError\n        }\n      }\n    }\n  }\n": types.AdminDashboardStatsDocument,
    "\n  query AdminDashboardJobs {\n    jobs(first: 50, states: [RETRYABLE, DISCARDED]) {\n      edges {\n        node {\n          id\n          kind\n          state\n        }\n      }\n      pageInfo {\n        hasNextPage\n      }\n    }\n  }\n": types.AdminDashboardJobsDocument,
    "\n  query AdminDashboardSessions {\n    activeSessions\n  }\n": types.AdminDashboardSessionsDocument,
    "\n  subscription AdminDashboardEvents {\n    eventCreated(where: { actionIn: [LOGIN, LOGIN_FAILED, LOGOUT, SESSION_REVOKED, SYSTEM_TASK_EXCEPTION] }) {\n      id\n      action\n      createdAt\n      context\n    }\n  }\n": types.AdminDashboardEventsDocument,
    "\n  query InputDefaults {\n    __schema {\n      types {\n        name\n        kind\n        inputFields {\n          name\n          defaultValue\n        }\n      }\n    }\n  }\n": types.InputDefaultsDocument,
    "\n  fragment AdminEventFields on Event {\n    id\n    action\n    userID\n    username\n    clientIP\n    app\n    createdAt\n    context\n  }\n": types.AdminEventFieldsFragmentDoc,
    "\n  query AdminEvents($first: Int!, $after: Cursor, $where: EventWhereInput) {\n    events(first: $first, after: $after, where: $where, orderBy: { field: CREATED_AT, direction: DESC }) {\n      edges {\n        node {\n          ...AdminEventFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.AdminEventsDocument,
    "\n  subscription AdminEventsLive($where: EventWhereInput) {\n    eventCreated(where: $where) {\n      ...AdminEventFields\n    }\n  }\n": types.AdminEventsLiveDocument,
    "\n  query AdminEvent($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Event {\n        ...AdminEventFields\n      }\n    }\n  }\n": types.AdminEventDocument,
    "\n  query AdminInvitations {\n    invitations(first: 500, orderBy: { field: CREATED_AT, direction: DESC }) {\n      edges {\n        node {\n          id\n          name\n          singleUse\n          uses\n          expires\n          createdAt\n          fixedData\n          flow {\n            id\n            name\n            slug\n          }\n          createdBy {\n            username\n          }\n        }\n      }\n    }\n  }\n": types.AdminInvitationsDocument,
    "\n  mutation AdminCreateInvitation($input: CreateInvitationInput!) {\n    createInvitation(input: $input) {\n      link\n      invitation {\n        id\n        name\n      }\n    }\n  }\n": types.AdminCreateInvitationDocument,
    "\n  mutation AdminDeleteInvitation($id: ID!) {\n    deleteInvitation(id: $id)\n  }\n": types.AdminDeleteInvitationDocument,
    "\n  query AdminNotificationRules {\n    notificationRules(first: 500, orderBy: { field: NAME }) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          severity\n          destinationGroup {\n            id\n            name\n          }\n          transports {\n            id\n            name\n            failing\n          }\n        }\n      }\n    }\n  }\n": types.AdminNotificationRulesDocument,
    "\n  query AdminNotificationRule($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on NotificationRule {\n        id\n        name\n        severity\n        policyEngineMode\n        destinationGroup {\n          id\n          name\n        }\n        transports {\n          id\n        }\n        policyBindings(first: 200, orderBy: { field: ORDER }) {\n          edges {\n            node {\n              ...AdminPolicyBinding\n            }\n          }\n        }\n      }\n    }\n  }\n": types.AdminNotificationRuleDocument,
    "\n  mutation AdminCreateNotificationRule($input: CreateNotificationRuleInput!) {\n    createNotificationRule(input: $input) {\n      id\n    }\n  }\n": types.AdminCreateNotificationRuleDocument,
    "\n  mutation AdminUpdateNotificationRule($id: ID!, $input: UpdateNotificationRuleInput!) {\n    updateNotificationRule(id: $id, input: $input) {\n      id\n    }\n  }\n": types.AdminUpdateNotificationRuleDocument,
    "\n  mutation AdminDeleteNotificationRule($id: ID!) {\n    deleteNotificationRule(id: $id)\n  }\n": types.AdminDeleteNotificationRuleDocument,
    "\n  query AdminNotificationTransports {\n    notificationTransports(first: 500, orderBy: { field: NAME }) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          mode\n          sendOnce\n          failing\n          lastError\n          lastFailureAt\n        }\n      }\n    }\n  }\n": types.AdminNotificationTransportsDocument,
    "\n  query AdminNotificationTransport($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on NotificationTransport {\n        id\n        name\n        mode\n        webhookUrl\n        webhookSecretSet\n        webhookMapping\n        webhookTimeout\n        sendOnce\n        failing\n        lastError\n        lastFailureAt\n      }\n    }\n  }\n": types.AdminNotificationTransportDocument,
    "\n  mutation AdminCreateNotificationTransport($input: CreateNotificationTransportInput!) {\n    createNotificationTransport(input: $input) {\n      id\n    }\n  }\n": types.AdminCreateNotificationTransportDocument,
    "\n  mutation AdminUpdateNotificationTransport($id: ID!, $input: UpdateNotificationTransportInput!) {\n    updateNotificationTransport(id: $id, input: $input) {\n      id\n    }\n  }\n": types.AdminUpdateNotificationTransportDocument,
    "\n  mutation AdminDeleteNotificationTransport($id: ID!) {\n    deleteNotificationTransport(id: $id)\n  }\n": types.AdminDeleteNotificationTransportDocument,
    "\n  query AdminFlows {\n    flows(first: 500, orderBy: { field: SLUG }) {\n      totalCount\n      edges {\n        node {\n          id\n          slug\n          name\n          title\n          designation\n        }\n      }\n    }\n  }\n": types.AdminFlowsDocument,
    "\n  query AdminFlow($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Flow {\n        ...AdminFlowFields\n        bindings(first: 200, orderBy: { field: ORDER }) {\n          edges {\n            node {\n              ...AdminBinding\n            }\n          }\n        }\n      }\n    }\n  }\n  fragment AdminFlowFields on Flow {\n    id\n    slug\n    name\n    title\n    designation\n    layout\n    background\n    compatibilityMode\n    deniedAction\n    authentication\n    policyEngineMode\n  }\n  fragment AdminBinding on FlowStageBinding {\n    id\n    order\n    evaluateOnPlan\n    reEvaluatePolicies\n    invalidResponseAction\n    policyEngineMode\n    stage {\n      id\n      name\n      kind\n    }\n  }\n": types.AdminFlowDocument,
    "\n  mutation AdminCreateFlow($input: CreateFlowInput!) {\n    createFlow(input: $input) {\n      id\n    }\n  }\n": types.AdminCreateFlowDocument,
    "\n  mutation AdminUpdateFlow($id: ID!, $input: UpdateFlowInput!) {\n    updateFlow(id: $id, input: $input) {\n      id\n    }\n  }\n": types.AdminUpdateFlowDocument,
    "\n  mutation AdminDeleteFlow($id: ID!) {\n    deleteFlow(id: $id)\n  }\n": types.AdminDeleteFlowDocument,
    "\n  query AdminExportFlow($slug: String!) {\n    exportFlow(slug: $slug)\n  }\n": types.AdminExportFlowDocument,
    "\n  mutation AdminCreateBinding($input: CreateFlowStageBindingInput!) {\n    createFlowStageBinding(input: $input) {\n      id\n    }\n  }\n": types.AdminCreateBindingDocument,
    "\n  mutation AdminUpdateBinding($id: ID!, $input: UpdateFlowStageBindingInput!) {\n    updateFlowStageBinding(id: $id, input: $input) {\n      id\n    }\n  }\n": types.AdminUpdateBindingDocument,
    "\n  mutation AdminSwapBindingOrders($a: ID!, $aOrder: Int!, $b: ID!, $bOrder: Int!) {\n    a: updateFlowStageBinding(id: $a, input: { order: $aOrder }) {\n      id\n    }\n    b: updateFlowStageBinding(id: $b, input: { order: $bOrder }) {\n      id\n    }\n  }\n": types.AdminSwapBindingOrdersDocument,
    "\n  mutation AdminDeleteBinding($id: ID!) {\n    deleteFlowStageBinding(id: $id)\n  }\n": types.AdminDeleteBindingDocument,
    "\n  query AdminStages {\n    stages(first: 500, orderBy: { field: NAME }) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          kind\n          bindings(first: 5) {\n            totalCount\n            edges {\n              node {\n                id\n                flow {\n                  id\n                  slug\n                }\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n": types.AdminStagesDocument,
    "\n  query AdminStage($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Stage {\n        id\n        name\n        kind\n        config {\n          ...AdminStageConfig\n        }\n        bindings(first: 100) {\n          totalCount\n          edges {\n            node {\n              id\n              flow {\n                id\n                slug\n                name\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n": types.AdminStageDocument,
    "\n  mutation AdminCreateStage($input: CreateStageInput!) {\n    createStage(input: $input) {\n      id\n    }\n  }\n": types.AdminCreateStageDocument,
    "\n  mutation AdminUpdateStage($id: ID!, $input: UpdateStageInput!) {\n    updateStage(id: $id, input: $input) {\n      id\n    }\n  }\n": types.AdminUpdateStageDocument,
    "\n  mutation AdminDeleteStage($id: ID!) {\n    deleteStage(id: $id)\n  }\n": types.AdminDeleteStageDocument,
    "\n  query AdminPolicies {\n    policies(first: 500, orderBy: { field: NAME }) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          kind\n          executionLogging\n          bindings(first: 0) {\n            totalCount\n          }\n        }\n      }\n    }\n  }\n": types.AdminPoliciesDocument,
    "\n  query AdminPolicy($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on PolicyDefinition {\n        id\n        name\n        kind\n        executionLogging\n        config {\n          ...AdminPolicyConfig\n        }\n        bindings(first: 100) {\n          totalCount\n          edges {\n            node {\n              id\n              enabled\n              flow {\n                id\n                slug\n              }\n              flowStageBinding {\n                id\n                flow {\n                  id\n                  slug\n                }\n                stage {\n                  id\n                  name\n                }\n              }\n              application {\n                id\n                name\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n": types.AdminPolicyDocument,
    "\n  mutation AdminCreatePolicy($input: CreatePolicyInput!) {\n    createPolicy(input: $input) {\n      id\n    }\n  }\n": types.AdminCreatePolicyDocument,
    "\n  mutation AdminUpdatePolicy($id: ID!, $input: UpdatePolicyInput!) {\n    updatePolicy(id: $id, input: $input) {\n      id\n    }\n  }\n": types.AdminUpdatePolicyDocument,
    "\n  mutation AdminDeletePolicy($id: ID!) {\n    deletePolicy(id: $id)\n  }\n": types.AdminDeletePolicyDocument,
    "\n  query AdminTestPolicy($input: PolicyTestInput!) {\n    testPolicy(input: $input) {\n      passing\n      messages\n      context\n      trace {\n        bindingId\n        subject\n        name\n        passing\n        negated\n        timedOut\n        error\n        messages\n        durationMs\n      }\n    }\n  }\n": types.AdminTestPolicyDocument,
    "\n  query AdminStageOptions {\n    stages(first: 1000, orderBy: { field: NAME }) {\n      edges {\n        node {\n          id\n          name\n          kind\n        }\n      }\n    }\n  }\n": types.AdminStageOptionsDocument,
    "\n  query AdminPolicyOptions {\n    policies(first: 1000, orderBy: { field: NAME }) {\n      edges {\n        node {\n          id\n          name\n          kind\n        }\n      }\n    }\n  }\n": types.AdminPolicyOptionsDocument,
    "\n  query AdminGroupOptions {\n    groups(first: 1000, orderBy: { field: NAME }) {\n      edges {\n        node {\n          id\n          name\n        }\n      }\n    }\n  }\n": types.AdminGroupOptionsDocument,
    "\n  query AdminUsers($where: UserWhereInput, $first: Int!, $after: Cursor) {\n    users(first: $first, after: $after, where: $where, orderBy: { field: USERNAME }) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          username\n          name\n          email\n          isActive\n          type\n          isSuperuser\n          lastLogin\n        }\n      }\n    }\n  }\n": types.AdminUsersDocument,
    "\n  query AdminUser($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on User {\n        id\n        username\n        name\n        email\n        isActive\n        type\n        isSuperuser\n        createdAt\n        lastLogin\n        passwordChangedAt\n        groups {\n          id\n          name\n        }\n      }\n    }\n  }\n": types.AdminUserDocument,
    "\n  mutation AdminCreateUser($input: CreateUserInput!, $password: String) {\n    createUser(input: $input, password: $password) {\n      id\n    }\n  }\n": types.AdminCreateUserDocument,
    "\n  mutation AdminUpdateUser($id: ID!, $input: UpdateUserInput!) {\n    updateUser(id: $id, input: $input) {\n      id\n    }\n  }\n": types.AdminUpdateUserDocument,
    "\n  mutation AdminSetUserPassword($id: ID!, $password: String) {\n    setUserPassword(id: $id, password: $password) {\n      id\n      passwordChangedAt\n    }\n  }\n": types.AdminSetUserPasswordDocument,
    "\n  mutation AdminDeleteUser($id: ID!) {\n    deleteUser(id: $id)\n  }\n": types.AdminDeleteUserDocument,
    "\n  query AdminGroups {\n    groups(first: 500, orderBy: { field: NAME }) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          isSuperuser\n          parents {\n            id\n            name\n          }\n          users(first: 0) {\n            totalCount\n          }\n        }\n      }\n    }\n  }\n": types.AdminGroupsDocument,
    "\n  query AdminGroup($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Group {\n        id\n        name\n        isSuperuser\n        parents {\n          id\n          name\n        }\n        children {\n          id\n          name\n        }\n        users(first: 1000, orderBy: { field: USERNAME }) {\n          totalCount\n          edges {\n            node {\n              id\n              username\n              name\n            }\n          }\n        }\n      }\n    }\n  }\n": types.AdminGroupDocument,
    "\n  mutation AdminCreateGroup($input: CreateGroupInput!) {\n    createGroup(input: $input) {\n      id\n    }\n  }\n": types.AdminCreateGroupDocument,
    "\n  mutation AdminUpdateGroup($id: ID!, $input: UpdateGroupInput!) {\n    updateGroup(id: $id, input: $input) {\n      id\n    }\n  }\n": types.AdminUpdateGroupDocument,
    "\n  mutation AdminDeleteGroup($id: ID!) {\n    deleteGroup(id: $id)\n  }\n": types.AdminDeleteGroupDocument,
    "\n  subscription AdminFlowInspector($executionId: ID!) {\n    flowInspector(executionId: $executionId) {\n      executionId\n      flowSlug\n      completed\n      plan {\n        position\n        kind\n        name\n        stageId\n        bindingId\n      }\n      history {\n        position\n        kind\n        name\n        result\n        at\n      }\n      context\n      errors {\n        field\n        message\n        code\n      }\n      outcome {\n        denied\n        message\n        to\n      }\n      createdAt\n      updatedAt\n    }\n  }\n": types.AdminFlowInspectorDocument,
    "\n  query AdminOutposts {\n    outposts(first: 500, orderBy: { field: NAME }) {\n      edges {\n        node {\n          id\n          name\n          type\n          embedded\n          healthy\n          lastSeenAt\n          providers {\n            id\n            name\n          }\n        }\n      }\n    }\n    proxyProviders(first: 500, orderBy: { field: NAME }) {\n      edges {\n        node {\n          id\n          name\n          externalHost\n        }\n      }\n    }\n  }\n": types.AdminOutpostsDocument,
    "\n  mutation AdminCreateOutpost($input: CreateOutpostInput!) {\n    createOutpost(input: $input) {\n      token\n      outpost {\n        id\n        name\n      }\n    }\n  }\n": types.AdminCreateOutpostDocument,
    "\n  mutation AdminUpdateOutpost($id: ID!, $input: UpdateOutpostInput!) {\n    updateOutpost(id: $id, input: $input) {\n      id\n    }\n  }\n": types.AdminUpdateOutpostDocument,
    "\n  mutation AdminRotateOutpostToken($id: ID!) {\n    rotateOutpostToken(id: $id) {\n      token\n      outpost {\n        id\n        name\n      }\n    }\n  }\n": types.AdminRotateOutpostTokenDocument,
    "\n  mutation AdminDeleteOutpost($id: ID!) {\n    deleteOutpost(id: $id)\n  }\n": types.AdminDeleteOutpostDocument,
    "\n  query AdminProxyProviders {\n    proxyProviders(first: 500, orderBy: { field: NAME }) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          externalHost\n          mode\n          application {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n": types.AdminProxyProvidersDocument,
    "\n  query AdminProxyProvider($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on ProxyProvider {\n        id\n        name\n        externalHost\n        internalHost\n        internalHostTLSVerify\n        mode\n        cookieDomain\n        skipPathRegex\n        basicAuthEnabled\n        basicAuthUserAttribute\n        basicAuthPasswordAttribute\n        sendAccessToken\n        accessTokenValidity\n        authorizationFlow {\n          id\n        }\n        application {\n          id\n          name\n        }\n      }\n    }\n  }\n": types.AdminProxyProviderDocument,
    "\n  mutation AdminCreateProxyProvider($input: CreateProxyProviderInput!) {\n    createProxyProvider(input: $input) {\n      id\n    }\n  }\n": types.AdminCreateProxyProviderDocument,
    "\n  mutation AdminUpdateProxyProvider($id: ID!, $input: UpdateProxyProviderInput!) {\n    updateProxyProvider(id: $id, input: $input) {\n      id\n    }\n  }\n": types.AdminUpdateProxyProviderDocument,
    "\n  mutation AdminDeleteProxyProvider($id: ID!) {\n    deleteProxyProvider(id: $id)\n  }\n": types.AdminDeleteProxyProviderDocument,
    "\n  query AdminApplications {\n    applications(first: 500, orderBy: { field: NAME }) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          slug\n          group\n          provider {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n": types.AdminApplicationsDocument,
    "\n  query AdminApplication($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Application {\n        id\n        name\n        slug\n        launchUrl\n        description\n        icon\n        group\n        policyEngineMode\n        provider {\n          id\n          name\n        }\n        policyBindings(first: 200, orderBy: { field: ORDER }) {\n          edges {\n            node {\n              ...AdminPolicyBinding\n            }\n          }\n        }\n      }\n    }\n  }\n  fragment AdminPolicyBinding on PolicyBinding {\n    id\n    order\n    enabled\n    negate\n    policy {\n      id\n      name\n      kind\n    }\n    group {\n      id\n      name\n    }\n    user {\n      id\n      username\n    }\n  }\n": types.AdminApplicationDocument,
    "\n  mutation AdminCreateApplication($input: CreateApplicationInput!) {\n    createApplication(input: $input) {\n      id\n    }\n  }\n": types.AdminCreateApplicationDocument,
    "\n  mutation AdminUpdateApplication($id: ID!, $input: UpdateApplicationInput!) {\n    updateApplication(id: $id, input: $input) {\n      id\n    }\n  }\n": types.AdminUpdateApplicationDocument,
    "\n  mutation AdminDeleteApplication($id: ID!) {\n    deleteApplication(id: $id)\n  }\n": types.AdminDeleteApplicationDocument,
    "\n  mutation AdminCreatePolicyBinding($input: CreatePolicyBindingInput!) {\n    createPolicyBinding(input: $input) {\n      id\n    }\n  }\n": types.AdminCreatePolicyBindingDocument,
    "\n  mutation AdminUpdatePolicyBinding($id: ID!, $input: UpdatePolicyBindingInput!) {\n    updatePolicyBinding(id: $id, input: $input) {\n      id\n    }\n  }\n": types.AdminUpdatePolicyBindingDocument,
    "\n  mutation AdminDeletePolicyBinding($id: ID!) {\n    deletePolicyBinding(id: $id)\n  }\n": types.AdminDeletePolicyBindingDocument,
    "\n  query AdminProviders {\n    oauth2Providers(first: 500, orderBy: { field: NAME }) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          clientType\n          clientId\n          application {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n": types.AdminProvidersDocument,
    "\n  query AdminProvider($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on OAuth2Provider {\n        ...AdminProviderFields\n      }\n    }\n  }\n  fragment AdminProviderFields on OAuth2Provider {\n    id\n    name\n    clientType\n    clientId\n    hasClientSecret\n    redirectUris {\n      url\n      matchingMode\n    }\n    postLogoutRedirectUris {\n      url\n      matchingMode\n    }\n    scopes\n    authorizationFlow {\n      id\n    }\n    invalidationFlow {\n      id\n    }\n    signingAlgorithm\n    signingKey {\n      id\n    }\n    accessTokenValidity\n    idTokenValidity\n    refreshTokenValidity\n    subjectMode\n    includeClaimsInIdToken\n    deviceAuthorization\n    application {\n      id\n      name\n    }\n  }\n": types.AdminProviderDocument,
    "\n  mutation AdminCreateProvider($input: CreateOAuth2ProviderInput!) {\n    createOAuth2Provider(input: $input) {\n      provider {\n        id\n      }\n      clientSecret\n    }\n  }\n": types.AdminCreateProviderDocument,
    "\n  mutation AdminUpdateProvider($id: ID!, $input: UpdateOAuth2ProviderInput!) {\n    updateOAuth2Provider(id: $id, input: $input) {\n      id\n    }\n  }\n": types.AdminUpdateProviderDocument,
    "\n  mutation AdminRotateClientSecret($id: ID!) {\n    rotateClientSecret(id: $id) {\n      provider {\n        id\n      }\n      clientSecret\n    }\n  }\n": types.AdminRotateClientSecretDocument,
    "\n  mutation AdminDeleteProvider($id: ID!) {\n    deleteOAuth2Provider(id: $id)\n  }\n": types.AdminDeleteProviderDocument,
    "\n  query AdminProviderOptions {\n    oauth2Providers(first: 1000, orderBy: { field: NAME }) {\n      edges {\n        node {\n          id\n          name\n          application {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n": types.AdminProviderOptionsDocument,
    "\n  query AdminSigningKeys {\n    signingKeys(first: 500, orderBy: { field: CREATED_AT, direction: DESC }) {\n      totalCount\n      edges {\n        node {\n          id\n          kid\n          algorithm\n          createdAt\n          retiredAt\n          expiresAt\n          current\n          pinnedBy {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n": types.AdminSigningKeysDocument,
    "\n  query AdminScopeMappings {\n    scopeMappings(first: 500, orderBy: { field: SCOPE_NAME }) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          scopeName\n          description\n        }\n      }\n    }\n  }\n": types.AdminScopeMappingsDocument,
    "\n  query AdminScopeMapping($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on ScopeMapping {\n        id\n        name\n        scopeName\n        description\n        expression\n      }\n    }\n  }\n": types.AdminScopeMappingDocument,
    "\n  mutation AdminCreateScopeMapping($input: CreateScopeMappingInput!) {\n    createScopeMapping(input: $input) {\n      id\n    }\n  }\n": types.AdminCreateScopeMappingDocument,
    "\n  mutation AdminUpdateScopeMapping($id: ID!, $input: UpdateScopeMappingInput!) {\n    updateScopeMapping(id: $id, input: $input) {\n      id\n    }\n  }\n": types.AdminUpdateScopeMappingDocument,
    "\n  mutation AdminDeleteScopeMapping($id: ID!) {\n    deleteScopeMapping(id: $id)\n  }\n": types.AdminDeleteScopeMappingDocument,
    "\n  query AdminTestScopeMapping($id: ID!, $userID: ID!) {\n    testScopeMapping(id: $id, userID: $userID) {\n      claims\n      droppedClaims\n      error\n    }\n  }\n": types.AdminTestScopeMappingDocument,
    "\n  query AdminJobs($first: Int!, $after: String, $states: [JobState!]) {\n    jobs(first: $first, after: $after, states: $states) {\n      edges {\n        cursor\n        node {\n          ...AdminJobFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.AdminJobsDocument,
    "\n  fragment AdminJobFields on Job {\n    id\n    kind\n    state\n    attempt\n    maxAttempts\n    createdAt\n    scheduledAt\n    finalizedAt\n    errors {\n      attempt\n      at\n      message\n    }\n  }\n": types.AdminJobFieldsFragmentDoc,
    "\n  mutation AdminRetryJob($id: ID!) {\n    retryJob(id: $id) {\n      ...AdminJobFields\n    }\n  }\n": types.AdminRetryJobDocument,
    "\n  mutation AdminCancelJob($id: ID!) {\n    cancelJob(id: $id) {\n      ...AdminJobFields\n    }\n  }\n": types.AdminCancelJobDocument,
    "\n  query AdminTokens {\n    tokens(first: 500, orderBy: { field: IDENTIFIER, direction: ASC }) {\n      edges {\n        node {\n          id\n          identifier\n          intent\n          description\n          expiring\n          expires\n          lastUsedAt\n          createdAt\n          user {\n            id\n            username\n          }\n        }\n      }\n    }\n  }\n": types.AdminTokensDocument,
    "\n  mutation AdminCreateToken($input: CreateTokenInput!) {\n    createToken(input: $input) {\n      key\n      token {\n        id\n        identifier\n      }\n    }\n  }\n": types.AdminCreateTokenDocument,
    "\n  mutation AdminUpdateToken($id: ID!, $input: UpdateTokenInput!) {\n    updateToken(id: $id, input: $input) {\n      id\n    }\n  }\n": types.AdminUpdateTokenDocument,
    "\n  mutation AdminDeleteToken($id: ID!) {\n    deleteToken(id: $id)\n  }\n": types.AdminDeleteTokenDocument,
    "\n  query AdminUserSessions($id: ID!) {\n    node(id: $id) {\n      ... on User {\n        sessions {\n          key\n          current\n          createdAt\n          lastSeenAt\n          expiresAt\n          clientIp\n          userAgent\n        }\n      }\n    }\n  }\n": types.AdminUserSessionsDocument,
    "\n  mutation AdminRevokeUserSessions($id: ID!, $keys: [ID!]) {\n    revokeUserSessions(userID: $id, keys: $keys)\n  }\n": types.AdminRevokeUserSessionsDocument,
    "\n  query AdminUserConsents($id: ID!) {\n    node(id: $id) {\n      ... on User {\n        consents {\n          application {\n            name\n            slug\n          }\n          scopes\n          consentedAt\n          expiresAt\n        }\n      }\n    }\n  }\n": types.AdminUserConsentsDocument,
    "\n  mutation AdminRevokeUserConsent($id: ID!, $slug: String!) {\n    revokeUserConsent(userID: $id, applicationSlug: $slug)\n  }\n": types.AdminRevokeUserConsentDocument,
    "\n  query AdminUserEvents($id: ID!, $first: Int!, $after: Cursor) {\n    events(\n      where: { or: [{ userID: $id }, { subjectID: $id }] }\n      first: $first\n      after: $after\n      orderBy: { field: CREATED_AT, direction: DESC }\n    ) {\n      edges {\n        node {\n          id\n          action\n          userID\n          username\n          app\n          clientIP\n          createdAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.AdminUserEventsDocument,
    "\n  query AdminUserDevices($id: ID!) {\n    node(id: $id) {\n      ... on User {\n        authenticatorDevices {\n          id\n          deviceClass\n          name\n          createdAt\n          lastUsedAt\n          remainingCodes\n        }\n      }\n    }\n  }\n": types.AdminUserDevicesDocument,
    "\n  mutation AdminDeleteUserDevice($id: ID!) {\n    deleteUserAuthenticatorDevice(id: $id)\n  }\n": types.AdminDeleteUserDeviceDocument,
    "\n  mutation AdminSendRecoveryLink($id: ID!) {\n    sendRecoveryLink(userID: $id) {\n      sentTo\n      expiresAt\n    }\n  }\n": types.AdminSendRecoveryLinkDocument,
    "\n  fragment StageChallengeFields on Challenge {\n    ... on IdentificationChallenge {\n      userFields\n      passwordFields\n      allowShowPassword\n      enrollUrl\n      recoveryUrl\n      passwordlessUrl\n      primaryAction\n      enableRememberMe\n      loginHint\n    }\n    ... on PasswordChallenge {\n      allowShowPassword\n    }\n    ... on PromptChallenge {\n      fields {\n        fieldKey\n        label\n        type\n        required\n        placeholder\n        initialValue\n        order\n        subText\n        choices\n      }\n    }\n    ... on DummyChallenge {\n      name\n    }\n    ... on ConsentChallenge {\n      applicationName\n      applicationIcon\n      permissions {\n        scope\n        description\n        new\n      }\n    }\n    ... on DeviceCodeChallenge {\n      code\n    }\n    ... on AuthenticatorTotpChallenge {\n      configUrl\n      qrCode\n      secret\n    }\n    ... on AuthenticatorWebauthnChallenge {\n      registration\n    }\n    ... on EmailChallenge {\n      to\n      verified\n    }\n    ... on AuthenticatorStaticChallenge {\n      codes\n    }\n    ... on AuthenticatorValidateChallenge {\n      deviceClasses\n      webauthn\n      emailSentTo\n    }\n    ... on AuthenticatorEmailChallenge {\n      email\n      emailRequired\n    }\n    ... on CaptchaChallenge {\n      provider\n      siteKey\n      challenge\n      difficulty\n      scriptUrl\n      flowInfo {\n        designation\n      }\n    }\n  }\n": types.StageChallengeFieldsFragmentDoc,
    "\n  fragment ExecutionFields on FlowExecution {\n    id\n    completed\n    step\n    revision\n    flow {\n      slug\n      title\n      designation\n      layout\n      background\n    }\n    challenge {\n      __typename\n      ... on FlowChallenge {\n        pendingUser\n        errors {\n          field\n          message\n          code\n        }\n      }\n      ...StageChallengeFields\n      ... on RedirectChallenge {\n        to\n        executionId\n      }\n      ... on AccessDeniedChallenge {\n        errorMessage\n      }\n      ... on FlowErrorChallenge {\n        requestId\n      }\n    }\n  }\n": types.ExecutionFieldsFragmentDoc,
    "\n  mutation StartFlow($slug: String!, $query: String) {\n    startFlow(slug: $slug, query: $query) {\n      ...ExecutionFields\n    }\n  }\n": types.StartFlowDocument,
    "\n  mutation SubmitChallenge($executionId: ID!, $response: ChallengeResponseInput!, $step: Int) {\n    submitChallenge(executionId: $executionId, response: $response, step: $step) {\n      ...ExecutionFields\n    }\n  }\n": types.SubmitChallengeDocument,
    "\n  mutation RestartFlow($executionId: ID!) {\n    restartFlow(executionId: $executionId) {\n      ...ExecutionFields\n    }\n  }\n": types.RestartFlowDocument,
    "\n  query FlowExecution($id: ID!) {\n    flowExecution(id: $id) {\n      ...ExecutionFields\n    }\n  }\n": types.FlowExecutionDocument,
    "\n  subscription FlowExecutionChanges($id: ID!) {\n    flowExecution(id: $id) {\n      ...ExecutionFields\n    }\n  }\n": types.FlowExecutionChangesDocument,
    "\n  fragment BellNotificationFields on Notification {\n    id\n    rule\n    severity\n    body\n    seen\n    createdAt\n  }\n": types.BellNotificationFieldsFragmentDoc,
    "\n  query BellNotifications($first: Int!) {\n    viewer {\n      notifications(first: $first) {\n        edges {\n          node {\n            ...BellNotificationFields\n          }\n        }\n      }\n      unseen: notifications(first: 0, unseenOnly: true) {\n        totalCount\n      }\n    }\n  }\n": types.BellNotificationsDocument,
    "\n  subscription BellNotificationCreated {\n    notificationCreated {\n      id\n    }\n  }\n": types.BellNotificationCreatedDocument,
    "\n  mutation BellMarkSeen($ids: [ID!]!) {\n    markNotificationsSeen(ids: $ids) {\n      id\n    }\n  }\n": types.BellMarkSeenDocument,
    "\n  query Site {\n    currentBrand {\n      title\n      logo\n      favicon\n      authenticationFlow\n      invalidationFlow\n      recoveryFlow\n      userSettingsFlow\n      unenrollmentFlow\n    }\n    viewer {\n      isSuperuser\n      user {\n        id\n        username\n        name\n        email\n      }\n    }\n  }\n": types.SiteDocument,
    "\n  query MyAuthenticatorDevices {\n    viewer {\n      authenticatorDevices {\n        id\n        deviceClass\n        name\n        createdAt\n        lastUsedAt\n        remainingCodes\n      }\n    }\n  }\n": types.MyAuthenticatorDevicesDocument,
    "\n  mutation RenameAuthenticatorDevice($id: ID!, $name: String!) {\n    renameAuthenticatorDevice(id: $id, name: $name) {\n      id\n      name\n    }\n  }\n": types.RenameAuthenticatorDeviceDocument,
    "\n  mutation DeleteAuthenticatorDevice($id: ID!) {\n    deleteAuthenticatorDevice(id: $id)\n  }\n": types.DeleteAuthenticatorDeviceDocument,
    "\n  query PasswordChangeFlow {\n    currentBrand {\n      passwordChangeFlow\n    }\n  }\n": types.PasswordChangeFlowDocument,
    "\n  query MySessions {\n    viewer {\n      sessions {\n        key\n        current\n        createdAt\n        lastSeenAt\n        expiresAt\n        clientIp\n        userAgent\n      }\n    }\n  }\n": types.MySessionsDocument,
    "\n  mutation RevokeSession($key: ID!) {\n    revokeSession(key: $key)\n  }\n": types.RevokeSessionDocument,
    "\n  mutation RevokeOtherSessions {\n    revokeOtherSessions\n  }\n": types.RevokeOtherSessionsDocument,
    "\n  query MyApplications {\n    viewer {\n      applications {\n        name\n        slug\n        group\n        description\n        icon\n        launchUrl\n      }\n    }\n  }\n": types.MyApplicationsDocument,
    "\n  query ConnectedApplications {\n    viewer {\n      connectedApplications {\n        application {\n          name\n          slug\n          icon\n          launchUrl\n        }\n        scopes\n        consentedAt\n        expiresAt\n      }\n    }\n  }\n": types.ConnectedApplicationsDocument,
    "\n  mutation RevokeApplicationAccess($slug: String!) {\n    revokeApplicationAccess(slug: $slug)\n  }\n": types.RevokeApplicationAccessDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminBrands {\n    brands(first: 500, orderBy: { field: DOMAIN, direction: ASC }) {\n      edges {\n        node {\n          id\n          domain\n          isDefault\n          brandingTitle\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').AdminBrandsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminBrand($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Brand {\n        id\n        domain\n        isDefault\n        brandingTitle\n        brandingLogo\n        brandingFavicon\n        attributes\n        flowAuthenticationID\n        flowInvalidationID\n        flowRecoveryID\n        flowUnenrollmentID\n        flowUserSettingsID\n        flowDeviceCodeID\n      }\n    }\n  }\n"): typeof import('./graphql').AdminBrandDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminCreateBrand($input: CreateBrandInput!) {\n    createBrand(input: $input) {\n      id\n    }\n  }\n"): typeof import('./graphql').AdminCreateBrandDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminUpdateBrand($id: ID!, $input: UpdateBrandInput!) {\n    updateBrand(id: $id, input: $input) {\n      id\n    }\n  }\n"): typeof import('./graphql').AdminUpdateBrandDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminDeleteBrand($id: ID!) {\n    deleteBrand(id: $id)\n  }\n"): typeof import('./graphql').AdminDeleteBrandDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AdminStageConfig on StageConfig {\n    __typename\n    ... on IdentificationStage {\n      userFields\n      passwordStageID: passwordStage {\n        id\n      }\n      caseInsensitiveMatching\n      showMatchedUser\n      pretendUserExists\n      enableRememberMe\n      enrollmentFlowID: enrollmentFlow {\n        id\n      }\n      recoveryFlowID: recoveryFlow {\n        id\n      }\n      passwordlessFlowID: passwordlessFlow {\n        id\n      }\n    }\n    ... on PasswordStage {\n      backends\n      failedAttemptsBeforeCancel\n      allowShowPassword\n      configureFlowID: configureFlow {\n        id\n      }\n    }\n    ... on PromptStage {\n      fields {\n        fieldKey\n        label\n        type\n        required\n        placeholder\n        initialValue\n        order\n        subText\n        choices\n      }\n      validationPolicyIDs: validationPolicies {\n        id\n      }\n    }\n    ... on UserWriteStage {\n      userCreationMode\n      createUsersAsInactive\n      createUsersGroupID: createUsersGroup {\n        id\n      }\n      userType\n    }\n    ... on UserLoginStage {\n      sessionDuration\n      rememberMeOffset\n      terminateOtherSessions\n    }\n    ... on UserLogoutStage {\n      noSettings\n    }\n    ... on UserDeleteStage {\n      noSettings\n    }\n    ... on DeviceCodeStage {\n      noSettings\n    }\n    ... on AuthenticatorTotpStage {\n      digits\n      friendlyName\n    }\n    ... on AuthenticatorEmailStage {\n      friendlyName\n      tokenExpiry\n    }\n    ... on AuthenticatorWebauthnStage {\n      userVerification\n      residentKeyRequirement\n      authenticatorAttachment\n      friendlyName\n    }\n    ... on EmailStage {\n      template\n      tokenExpiry\n      activateUserOnSuccess\n      singleUse\n      resendLimit\n    }\n    ... on AuthenticatorStaticStage {\n      tokenCount\n      friendlyName\n    }\n    ... on AuthenticatorValidateStage {\n      deviceClasses\n      notConfiguredAction\n      configurationStageIDs: configurationStages {\n        id\n      }\n      lastAuthThreshold\n      webauthnUserVerification\n    }\n    ... on RedirectStage {\n      mode\n      targetStatic\n      targetFlowID: targetFlow {\n        id\n      }\n      keepContext\n    }\n    ... on DenyStage {\n      denyMessage\n    }\n    ... on InvitationStage {\n      continueFlowWithoutInvitation\n    }\n    ... on DummyStage {\n      throwError\n    }\n    ... on ConsentStage {\n      consentMode\n      expiresIn\n    }\n    ... on CaptchaStage {\n      provider\n      difficulty\n      siteKey\n      secretSet\n      verifyUrl\n      minScore\n    }\n  }\n"): typeof import('./graphql').AdminStageConfigFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AdminPolicyConfig on PolicyConfig {\n    __typename\n    ... on ExpressionPolicy {\n      expression\n    }\n    ... on PasswordPolicy {\n      passwordField\n      lengthMin\n      amountDigits\n      amountUppercase\n      amountLowercase\n      amountSymbols\n      symbolCharset\n      checkBlocklist\n      checkZxcvbn\n      zxcvbnMinScore\n      errorMessage\n    }\n    ... on ReputationPolicy {\n      checkIp\n      checkUsername\n      threshold\n    }\n    ... on ExpiryPolicy {\n      days\n    }\n    ... on EventMatcherPolicy {\n      action\n      clientIp\n      app\n      model\n    }\n    ... on DummyPolicy {\n      result\n      waitMin\n      waitMax\n    }\n  }\n"): typeof import('./graphql').AdminPolicyConfigFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment DashboardCounts on Query {\n    hourly: eventStats(actions: [LOGIN, LOGIN_FAILED], since: $hoursSince, bucket: HOUR) {\n      start\n      action\n      count\n    }\n    daily: eventStats(actions: [LOGIN, LOGIN_FAILED], since: $daysSince, bucket: DAY) {\n      start\n      action\n      count\n    }\n  }\n"): typeof import('./graphql').DashboardCountsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminDashboardCounts($hoursSince: Time!, $daysSince: Time!) {\n    ...DashboardCounts\n  }\n"): typeof import('./graphql').AdminDashboardCountsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminDashboardStats($hoursSince: Time!, $daysSince: Time!) {\n    ...DashboardCounts\n    users {\n      totalCount\n    }\n    topApplications(since: $daysSince, first: 5) {\n      slug\n      count\n      application {\n        id\n        name\n      }\n    }\n    serverInfo {\n      version\n    }\n    failingTransports: notificationTransports(where: { failing: true }, first: 20) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          lastError\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').AdminDashboardStatsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminDashboardJobs {\n    jobs(first: 50, states: [RETRYABLE, DISCARDED]) {\n      edges {\n        node {\n          id\n          kind\n          state\n        }\n      }\n      pageInfo {\n        hasNextPage\n      }\n    }\n  }\n"): typeof import('./graphql').AdminDashboardJobsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminDashboardSessions {\n    activeSessions\n  }\n"): typeof import('./graphql').AdminDashboardSessionsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AdminDashboardEvents {\n    eventCreated(where: { actionIn: [LOGIN, LOGIN_FAILED, LOGOUT, SESSION_REVOKED, SYSTEM_TASK_EXCEPTION] }) {\n      id\n      action\n      createdAt\n      context\n    }\n  }\n"): typeof import('./graphql').AdminDashboardEventsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query InputDefaults {\n    __schema {\n      types {\n        name\n        kind\n        inputFields {\n          name\n          defaultValue\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').InputDefaultsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AdminEventFields on Event {\n    id\n    action\n    userID\n    username\n    clientIP\n    app\n    createdAt\n    context\n  }\n"): typeof import('./graphql').AdminEventFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminEvents($first: Int!, $after: Cursor, $where: EventWhereInput) {\n    events(first: $first, after: $after, where: $where, orderBy: { field: CREATED_AT, direction: DESC }) {\n      edges {\n        node {\n          ...AdminEventFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): typeof import('./graphql').AdminEventsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AdminEventsLive($where: EventWhereInput) {\n    eventCreated(where: $where) {\n      ...AdminEventFields\n    }\n  }\n"): typeof import('./graphql').AdminEventsLiveDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminEvent($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Event {\n        ...AdminEventFields\n      }\n    }\n  }\n"): typeof import('./graphql').AdminEventDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminInvitations {\n    invitations(first: 500, orderBy: { field: CREATED_AT, direction: DESC }) {\n      edges {\n        node {\n          id\n          name\n          singleUse\n          uses\n          expires\n          createdAt\n          fixedData\n          flow {\n            id\n            name\n            slug\n          }\n          createdBy {\n            username\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').AdminInvitationsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminCreateInvitation($input: CreateInvitationInput!) {\n    createInvitation(input: $input) {\n      link\n      invitation {\n        id\n        name\n      }\n    }\n  }\n"): typeof import('./graphql').AdminCreateInvitationDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminDeleteInvitation($id: ID!) {\n    deleteInvitation(id: $id)\n  }\n"): typeof import('./graphql').AdminDeleteInvitationDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminNotificationRules {\n    notificationRules(first: 500, orderBy: { field: NAME }) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          severity\n          destinationGroup {\n            id\n            name\n          }\n          transports {\n            id\n            name\n            failing\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').AdminNotificationRulesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminNotificationRule($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on NotificationRule {\n        id\n        name\n        severity\n        policyEngineMode\n        destinationGroup {\n          id\n          name\n        }\n        transports {\n          id\n        }\n        policyBindings(first: 200, orderBy: { field: ORDER }) {\n          edges {\n            node {\n              ...AdminPolicyBinding\n            }\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').AdminNotificationRuleDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminCreateNotificationRule($input: CreateNotificationRuleInput!) {\n    createNotificationRule(input: $input) {\n      id\n    }\n  }\n"): typeof import('./graphql').AdminCreateNotificationRuleDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminUpdateNotificationRule($id: ID!, $input: UpdateNotificationRuleInput!) {\n    updateNotificationRule(id: $id, input: $input) {\n      id\n    }\n  }\n"): typeof import('./graphql').AdminUpdateNotificationRuleDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminDeleteNotificationRule($id: ID!) {\n    deleteNotificationRule(id: $id)\n  }\n"): typeof import('./graphql').AdminDeleteNotificationRuleDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminNotificationTransports {\n    notificationTransports(first: 500, orderBy: { field: NAME }) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          mode\n          sendOnce\n          failing\n          lastError\n          lastFailureAt\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').AdminNotificationTransportsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminNotificationTransport($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on NotificationTransport {\n        id\n        name\n        mode\n        webhookUrl\n        webhookSecretSet\n        webhookMapping\n        webhookTimeout\n        sendOnce\n        failing\n        lastError\n        lastFailureAt\n      }\n    }\n  }\n"): typeof import('./graphql').AdminNotificationTransportDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminCreateNotificationTransport($input: CreateNotificationTransportInput!) {\n    createNotificationTransport(input: $input) {\n      id\n    }\n  }\n"): typeof import('./graphql').AdminCreateNotificationTransportDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminUpdateNotificationTransport($id: ID!, $input: UpdateNotificationTransportInput!) {\n    updateNotificationTransport(id: $id, input: $input) {\n      id\n    }\n  }\n"): typeof import('./graphql').AdminUpdateNotificationTransportDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminDeleteNotificationTransport($id: ID!) {\n    deleteNotificationTransport(id: $id)\n  }\n"): typeof import('./graphql').AdminDeleteNotificationTransportDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminFlows {\n    flows(first: 500, orderBy: { field: SLUG }) {\n      totalCount\n      edges {\n        node {\n          id\n          slug\n          name\n          title\n          designation\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').AdminFlowsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminFlow($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Flow {\n        ...AdminFlowFields\n        bindings(first: 200, orderBy: { field: ORDER }) {\n          edges {\n            node {\n              ...AdminBinding\n            }\n          }\n        }\n      }\n    }\n  }\n  fragment AdminFlowFields on Flow {\n    id\n    slug\n    name\n    title\n    designation\n    layout\n    background\n    compatibilityMode\n    deniedAction\n    authentication\n    policyEngineMode\n  }\n  fragment AdminBinding on FlowStageBinding {\n    id\n    order\n    evaluateOnPlan\n    reEvaluatePolicies\n    invalidResponseAction\n    policyEngineMode\n    stage {\n      id\n      name\n      kind\n    }\n  }\n"): typeof import('./graphql').AdminFlowDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminCreateFlow($input: CreateFlowInput!) {\n    createFlow(input: $input) {\n      id\n    }\n  }\n"): typeof import('./graphql').AdminCreateFlowDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminUpdateFlow($id: ID!, $input: UpdateFlowInput!) {\n    updateFlow(id: $id, input: $input) {\n      id\n    }\n  }\n"): typeof import('./graphql').AdminUpdateFlowDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminDeleteFlow($id: ID!) {\n    deleteFlow(id: $id)\n  }\n"): typeof import('./graphql').AdminDeleteFlowDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminExportFlow($slug: String!) {\n    exportFlow(slug: $slug)\n  }\n"): typeof import('./graphql').AdminExportFlowDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminCreateBinding($input: CreateFlowStageBindingInput!) {\n    createFlowStageBinding(input: $input) {\n      id\n    }\n  }\n"): typeof import('./graphql').AdminCreateBindingDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminUpdateBinding($id: ID!, $input: UpdateFlowStageBindingInput!) {\n    updateFlowStageBinding(id: $id, input: $input) {\n      id\n    }\n  }\n"): typeof import('./graphql').AdminUpdateBindingDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminSwapBindingOrders($a: ID!, $aOrder: Int!, $b: ID!, $bOrder: Int!) {\n    a: updateFlowStageBinding(id: $a, input: { order: $aOrder }) {\n      id\n    }\n    b: updateFlowStageBinding(id: $b, input: { order: $bOrder }) {\n      id\n    }\n  }\n"): typeof import('./graphql').AdminSwapBindingOrdersDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminDeleteBinding($id: ID!) {\n    deleteFlowStageBinding(id: $id)\n  }\n"): typeof import('./graphql').AdminDeleteBindingDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminStages {\n    stages(first: 500, orderBy: { field: NAME }) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          kind\n          bindings(first: 5) {\n            totalCount\n            edges {\n              node {\n                id\n                flow {\n                  id\n                  slug\n                }\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').AdminStagesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminStage($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Stage {\n        id\n        name\n        kind\n        config {\n          ...AdminStageConfig\n        }\n        bindings(first: 100) {\n          totalCount\n          edges {\n            node {\n              id\n              flow {\n                id\n                slug\n                name\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').AdminStageDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminCreateStage($input: CreateStageInput!) {\n    createStage(input: $input) {\n      id\n    }\n  }\n"): typeof import('./graphql').AdminCreateStageDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminUpdateStage($id: ID!, $input: UpdateStageInput!) {\n    updateStage(id: $id, input: $input) {\n      id\n    }\n  }\n"): typeof import('./graphql').AdminUpdateStageDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminDeleteStage($id: ID!) {\n    deleteStage(id: $id)\n  }\n"): typeof import('./graphql').AdminDeleteStageDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminPolicies {\n    policies(first: 500, orderBy: { field: NAME }) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          kind\n          executionLogging\n          bindings(first: 0) {\n            totalCount\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').AdminPoliciesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminPolicy($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on PolicyDefinition {\n        id\n        name\n        kind\n        executionLogging\n        config {\n          ...AdminPolicyConfig\n        }\n        bindings(first: 100) {\n          totalCount\n          edges {\n            node {\n              id\n              enabled\n              flow {\n                id\n                slug\n              }\n              flowStageBinding {\n                id\n                flow {\n                  id\n                  slug\n                }\n                stage {\n                  id\n                  name\n                }\n              }\n              application {\n                id\n                name\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').AdminPolicyDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminCreatePolicy($input: CreatePolicyInput!) {\n    createPolicy(input: $input) {\n      id\n    }\n  }\n"): typeof import('./graphql').AdminCreatePolicyDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminUpdatePolicy($id: ID!, $input: UpdatePolicyInput!) {\n    updatePolicy(id: $id, input: $input) {\n      id\n    }\n  }\n"): typeof import('./graphql').AdminUpdatePolicyDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminDeletePolicy($id: ID!) {\n    deletePolicy(id: $id)\n  }\n"): typeof import('./graphql').AdminDeletePolicyDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminTestPolicy($input: PolicyTestInput!) {\n    testPolicy(input: $input) {\n      passing\n      messages\n      context\n      trace {\n        bindingId\n        subject\n        name\n        passing\n        negated\n        timedOut\n        error\n        messages\n        durationMs\n      }\n    }\n  }\n"): typeof import('./graphql').AdminTestPolicyDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminStageOptions {\n    stages(first: 1000, orderBy: { field: NAME }) {\n      edges {\n        node {\n          id\n          name\n          kind\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').AdminStageOptionsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminPolicyOptions {\n    policies(first: 1000, orderBy: { field: NAME }) {\n      edges {\n        node {\n          id\n          name\n          kind\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').AdminPolicyOptionsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminGroupOptions {\n    groups(first: 1000, orderBy: { field: NAME }) {\n      edges {\n        node {\n          id\n          name\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').AdminGroupOptionsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminUsers($where: UserWhereInput, $first: Int!, $after: Cursor) {\n    users(first: $first, after: $after, where: $where, orderBy: { field: USERNAME }) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          username\n          name\n          email\n          isActive\n          type\n          isSuperuser\n          lastLogin\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').AdminUsersDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminUser($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on User {\n        id\n        username\n        name\n        email\n        isActive\n        type\n        isSuperuser\n        createdAt\n        lastLogin\n        passwordChangedAt\n        groups {\n          id\n          name\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').AdminUserDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminCreateUser($input: CreateUserInput!, $password: String) {\n    createUser(input: $input, password: $password) {\n      id\n    }\n  }\n"): typeof import('./graphql').AdminCreateUserDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminUpdateUser($id: ID!, $input: UpdateUserInput!) {\n    updateUser(id: $id, input: $input) {\n      id\n    }\n  }\n"): typeof import('./graphql').AdminUpdateUserDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminSetUserPassword($id: ID!, $password: String) {\n    setUserPassword(id: $id, password: $password) {\n      id\n      passwordChangedAt\n    }\n  }\n"): typeof import('./graphql').AdminSetUserPasswordDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminDeleteUser($id: ID!) {\n    deleteUser(id: $id)\n  }\n"): typeof import('./graphql').AdminDeleteUserDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminGroups {\n    groups(first: 500, orderBy: { field: NAME }) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          isSuperuser\n          parents {\n            id\n            name\n          }\n          users(first: 0) {\n            totalCount\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').AdminGroupsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminGroup($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Group {\n        id\n        name\n        isSuperuser\n        parents {\n          id\n          name\n        }\n        children {\n          id\n          name\n        }\n        users(first: 1000, orderBy: { field: USERNAME }) {\n          totalCount\n          edges {\n            node {\n              id\n              username\n              name\n            }\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').AdminGroupDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminCreateGroup($input: CreateGroupInput!) {\n    createGroup(input: $input) {\n      id\n    }\n  }\n"): typeof import('./graphql').AdminCreateGroupDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminUpdateGroup($id: ID!, $input: UpdateGroupInput!) {\n    updateGroup(id: $id, input: $input) {\n      id\n    }\n  }\n"): typeof import('./graphql').AdminUpdateGroupDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminDeleteGroup($id: ID!) {\n    deleteGroup(id: $id)\n  }\n"): typeof import('./graphql').AdminDeleteGroupDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AdminFlowInspector($executionId: ID!) {\n    flowInspector(executionId: $executionId) {\n      executionId\n      flowSlug\n      completed\n      plan {\n        position\n        kind\n        name\n        stageId\n        bindingId\n      }\n      history {\n        position\n        kind\n        name\n        result\n        at\n      }\n      context\n      errors {\n        field\n        message\n        code\n      }\n      outcome {\n        denied\n        message\n        to\n      }\n      createdAt\n      updatedAt\n    }\n  }\n"): typeof import('./graphql').AdminFlowInspectorDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminOutposts {\n    outposts(first: 500, orderBy: { field: NAME }) {\n      edges {\n        node {\n          id\n          name\n          type\n          embedded\n          healthy\n          lastSeenAt\n          providers {\n            id\n            name\n          }\n        }\n      }\n    }\n    proxyProviders(first: 500, orderBy: { field: NAME }) {\n      edges {\n        node {\n          id\n          name\n          externalHost\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').AdminOutpostsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminCreateOutpost($input: CreateOutpostInput!) {\n    createOutpost(input: $input) {\n      token\n      outpost {\n        id\n        name\n      }\n    }\n  }\n"): typeof import('./graphql').AdminCreateOutpostDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminUpdateOutpost($id: ID!, $input: UpdateOutpostInput!) {\n    updateOutpost(id: $id, input: $input) {\n      id\n    }\n  }\n"): typeof import('./graphql').AdminUpdateOutpostDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminRotateOutpostToken($id: ID!) {\n    rotateOutpostToken(id: $id) {\n      token\n      outpost {\n        id\n        name\n      }\n    }\n  }\n"): typeof import('./graphql').AdminRotateOutpostTokenDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminDeleteOutpost($id: ID!) {\n    deleteOutpost(id: $id)\n  }\n"): typeof import('./graphql').AdminDeleteOutpostDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminProxyProviders {\n    proxyProviders(first: 500, orderBy: { field: NAME }) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          externalHost\n          mode\n          application {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').AdminProxyProvidersDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminProxyProvider($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on ProxyProvider {\n        id\n        name\n        externalHost\n        internalHost\n        internalHostTLSVerify\n        mode\n        cookieDomain\n        skipPathRegex\n        basicAuthEnabled\n        basicAuthUserAttribute\n        basicAuthPasswordAttribute\n        sendAccessToken\n        accessTokenValidity\n        authorizationFlow {\n          id\n        }\n        application {\n          id\n          name\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').AdminProxyProviderDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminCreateProxyProvider($input: CreateProxyProviderInput!) {\n    createProxyProvider(input: $input) {\n      id\n    }\n  }\n"): typeof import('./graphql').AdminCreateProxyProviderDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminUpdateProxyProvider($id: ID!, $input: UpdateProxyProviderInput!) {\n    updateProxyProvider(id: $id, input: $input) {\n      id\n    }\n  }\n"): typeof import('./graphql').AdminUpdateProxyProviderDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminDeleteProxyProvider($id: ID!) {\n    deleteProxyProvider(id: $id)\n  }\n"): typeof import('./graphql').AdminDeleteProxyProviderDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminApplications {\n    applications(first: 500, orderBy: { field: NAME }) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          slug\n          group\n          provider {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').AdminApplicationsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminApplication($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Application {\n        id\n        name\n        slug\n        launchUrl\n        description\n        icon\n        group\n        policyEngineMode\n        provider {\n          id\n          name\n        }\n        policyBindings(first: 200, orderBy: { field: ORDER }) {\n          edges {\n            node {\n              ...AdminPolicyBinding\n            }\n          }\n        }\n      }\n    }\n  }\n  fragment AdminPolicyBinding on PolicyBinding {\n    id\n    order\n    enabled\n    negate\n    policy {\n      id\n      name\n      kind\n    }\n    group {\n      id\n      name\n    }\n    user {\n      id\n      username\n    }\n  }\n"): typeof import('./graphql').AdminApplicationDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminCreateApplication($input: CreateApplicationInput!) {\n    createApplication(input: $input) {\n      id\n    }\n  }\n"): typeof import('./graphql').AdminCreateApplicationDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminUpdateApplication($id: ID!, $input: UpdateApplicationInput!) {\n    updateApplication(id: $id, input: $input) {\n      id\n    }\n  }\n"): typeof import('./graphql').AdminUpdateApplicationDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminDeleteApplication($id: ID!) {\n    deleteApplication(id: $id)\n  }\n"): typeof import('./graphql').AdminDeleteApplicationDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminCreatePolicyBinding($input: CreatePolicyBindingInput!) {\n    createPolicyBinding(input: $input) {\n      id\n    }\n  }\n"): typeof import('./graphql').AdminCreatePolicyBindingDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminUpdatePolicyBinding($id: ID!, $input: UpdatePolicyBindingInput!) {\n    updatePolicyBinding(id: $id, input: $input) {\n      id\n    }\n  }\n"): typeof import('./graphql').AdminUpdatePolicyBindingDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminDeletePolicyBinding($id: ID!) {\n    deletePolicyBinding(id: $id)\n  }\n"): typeof import('./graphql').AdminDeletePolicyBindingDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminProviders {\n    oauth2Providers(first: 500, orderBy: { field: NAME }) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          clientType\n          clientId\n          application {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').AdminProvidersDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminProvider($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on OAuth2Provider {\n        ...AdminProviderFields\n      }\n    }\n  }\n  fragment AdminProviderFields on OAuth2Provider {\n    id\n    name\n    clientType\n    clientId\n    hasClientSecret\n    redirectUris {\n      url\n      matchingMode\n    }\n    postLogoutRedirectUris {\n      url\n      matchingMode\n    }\n    scopes\n    authorizationFlow {\n      id\n    }\n    invalidationFlow {\n      id\n    }\n    signingAlgorithm\n    signingKey {\n      id\n    }\n    accessTokenValidity\n    idTokenValidity\n    refreshTokenValidity\n    subjectMode\n    includeClaimsInIdToken\n    deviceAuthorization\n    application {\n      id\n      name\n    }\n  }\n"): typeof import('./graphql').AdminProviderDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminCreateProvider($input: CreateOAuth2ProviderInput!) {\n    createOAuth2Provider(input: $input) {\n      provider {\n        id\n      }\n      clientSecret\n    }\n  }\n"): typeof import('./graphql').AdminCreateProviderDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminUpdateProvider($id: ID!, $input: UpdateOAuth2ProviderInput!) {\n    updateOAuth2Provider(id: $id, input: $input) {\n      id\n    }\n  }\n"): typeof import('./graphql').AdminUpdateProviderDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminRotateClientSecret($id: ID!) {\n    rotateClientSecret(id: $id) {\n      provider {\n        id\n      }\n      clientSecret\n    }\n  }\n"): typeof import('./graphql').AdminRotateClientSecretDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminDeleteProvider($id: ID!) {\n    deleteOAuth2Provider(id: $id)\n  }\n"): typeof import('./graphql').AdminDeleteProviderDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminProviderOptions {\n    oauth2Providers(first: 1000, orderBy: { field: NAME }) {\n      edges {\n        node {\n          id\n          name\n          application {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').AdminProviderOptionsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminSigningKeys {\n    signingKeys(first: 500, orderBy: { field: CREATED_AT, direction: DESC }) {\n      totalCount\n      edges {\n        node {\n          id\n          kid\n          algorithm\n          createdAt\n          retiredAt\n          expiresAt\n          current\n          pinnedBy {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').AdminSigningKeysDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminScopeMappings {\n    scopeMappings(first: 500, orderBy: { field: SCOPE_NAME }) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          scopeName\n          description\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').AdminScopeMappingsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminScopeMapping($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on ScopeMapping {\n        id\n        name\n        scopeName\n        description\n        expression\n      }\n    }\n  }\n"): typeof import('./graphql').AdminScopeMappingDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminCreateScopeMapping($input: CreateScopeMappingInput!) {\n    createScopeMapping(input: $input) {\n      id\n    }\n  }\n"): typeof import('./graphql').AdminCreateScopeMappingDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminUpdateScopeMapping($id: ID!, $input: UpdateScopeMappingInput!) {\n    updateScopeMapping(id: $id, input: $input) {\n      id\n    }\n  }\n"): typeof import('./graphql').AdminUpdateScopeMappingDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminDeleteScopeMapping($id: ID!) {\n    deleteScopeMapping(id: $id)\n  }\n"): typeof import('./graphql').AdminDeleteScopeMappingDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminTestScopeMapping($id: ID!, $userID: ID!) {\n    testScopeMapping(id: $id, userID: $userID) {\n      claims\n      droppedClaims\n      error\n    }\n  }\n"): typeof import('./graphql').AdminTestScopeMappingDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminJobs($first: Int!, $after: String, $states: [JobState!]) {\n    jobs(first: $first, after: $after, states: $states) {\n      edges {\n        cursor\n        node {\n          ...AdminJobFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): typeof import('./graphql').AdminJobsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AdminJobFields on Job {\n    id\n    kind\n    state\n    attempt\n    maxAttempts\n    createdAt\n    scheduledAt\n    finalizedAt\n    errors {\n      attempt\n      at\n      message\n    }\n  }\n"): typeof import('./graphql').AdminJobFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminRetryJob($id: ID!) {\n    retryJob(id: $id) {\n      ...AdminJobFields\n    }\n  }\n"): typeof import('./graphql').AdminRetryJobDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminCancelJob($id: ID!) {\n    cancelJob(id: $id) {\n      ...AdminJobFields\n    }\n  }\n"): typeof import('./graphql').AdminCancelJobDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminTokens {\n    tokens(first: 500, orderBy: { field: IDENTIFIER, direction: ASC }) {\n      edges {\n        node {\n          id\n          identifier\n          intent\n          description\n          expiring\n          expires\n          lastUsedAt\n          createdAt\n          user {\n            id\n            username\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').AdminTokensDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminCreateToken($input: CreateTokenInput!) {\n    createToken(input: $input) {\n      key\n      token {\n        id\n        identifier\n      }\n    }\n  }\n"): typeof import('./graphql').AdminCreateTokenDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminUpdateToken($id: ID!, $input: UpdateTokenInput!) {\n    updateToken(id: $id, input: $input) {\n      id\n    }\n  }\n"): typeof import('./graphql').AdminUpdateTokenDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminDeleteToken($id: ID!) {\n    deleteToken(id: $id)\n  }\n"): typeof import('./graphql').AdminDeleteTokenDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminUserSessions($id: ID!) {\n    node(id: $id) {\n      ... on User {\n        sessions {\n          key\n          current\n          createdAt\n          lastSeenAt\n          expiresAt\n          clientIp\n          userAgent\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').AdminUserSessionsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminRevokeUserSessions($id: ID!, $keys: [ID!]) {\n    revokeUserSessions(userID: $id, keys: $keys)\n  }\n"): typeof import('./graphql').AdminRevokeUserSessionsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminUserConsents($id: ID!) {\n    node(id: $id) {\n      ... on User {\n        consents {\n          application {\n            name\n            slug\n          }\n          scopes\n          consentedAt\n          expiresAt\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').AdminUserConsentsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminRevokeUserConsent($id: ID!, $slug: String!) {\n    revokeUserConsent(userID: $id, applicationSlug: $slug)\n  }\n"): typeof import('./graphql').AdminRevokeUserConsentDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminUserEvents($id: ID!, $first: Int!, $after: Cursor) {\n    events(\n      where: { or: [{ userID: $id }, { subjectID: $id }] }\n      first: $first\n      after: $after\n      orderBy: { field: CREATED_AT, direction: DESC }\n    ) {\n      edges {\n        node {\n          id\n          action\n          userID\n          username\n          app\n          clientIP\n          createdAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): typeof import('./graphql').AdminUserEventsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminUserDevices($id: ID!) {\n    node(id: $id) {\n      ... on User {\n        authenticatorDevices {\n          id\n          deviceClass\n          name\n          createdAt\n          lastUsedAt\n          remainingCodes\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').AdminUserDevicesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminDeleteUserDevice($id: ID!) {\n    deleteUserAuthenticatorDevice(id: $id)\n  }\n"): typeof import('./graphql').AdminDeleteUserDeviceDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AdminSendRecoveryLink($id: ID!) {\n    sendRecoveryLink(userID: $id) {\n      sentTo\n      expiresAt\n    }\n  }\n"): typeof import('./graphql').AdminSendRecoveryLinkDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment StageChallengeFields on Challenge {\n    ... on IdentificationChallenge {\n      userFields\n      passwordFields\n      allowShowPassword\n      enrollUrl\n      recoveryUrl\n      passwordlessUrl\n      primaryAction\n      enableRememberMe\n      loginHint\n    }\n    ... on PasswordChallenge {\n      allowShowPassword\n    }\n    ... on PromptChallenge {\n      fields {\n        fieldKey\n        label\n        type\n        required\n        placeholder\n        initialValue\n        order\n        subText\n        choices\n      }\n    }\n    ... on DummyChallenge {\n      name\n    }\n    ... on ConsentChallenge {\n      applicationName\n      applicationIcon\n      permissions {\n        scope\n        description\n        new\n      }\n    }\n    ... on DeviceCodeChallenge {\n      code\n    }\n    ... on AuthenticatorTotpChallenge {\n      configUrl\n      qrCode\n      secret\n    }\n    ... on AuthenticatorWebauthnChallenge {\n      registration\n    }\n    ... on EmailChallenge {\n      to\n      verified\n    }\n    ... on AuthenticatorStaticChallenge {\n      codes\n    }\n    ... on AuthenticatorValidateChallenge {\n      deviceClasses\n      webauthn\n      emailSentTo\n    }\n    ... on AuthenticatorEmailChallenge {\n      email\n      emailRequired\n    }\n    ... on CaptchaChallenge {\n      provider\n      siteKey\n      challenge\n      difficulty\n      scriptUrl\n      flowInfo {\n        designation\n      }\n    }\n  }\n"): typeof import('./graphql').StageChallengeFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ExecutionFields on FlowExecution {\n    id\n    completed\n    step\n    revision\n    flow {\n      slug\n      title\n      designation\n      layout\n      background\n    }\n    challenge {\n      __typename\n      ... on FlowChallenge {\n        pendingUser\n        errors {\n          field\n          message\n          code\n        }\n      }\n      ...StageChallengeFields\n      ... on RedirectChallenge {\n        to\n        executionId\n      }\n      ... on AccessDeniedChallenge {\n        errorMessage\n      }\n      ... on FlowErrorChallenge {\n        requestId\n      }\n    }\n  }\n"): typeof import('./graphql').ExecutionFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartFlow($slug: String!, $query: String) {\n    startFlow(slug: $slug, query: $query) {\n      ...ExecutionFields\n    }\n  }\n"): typeof import('./graphql').StartFlowDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SubmitChallenge($executionId: ID!, $response: ChallengeResponseInput!, $step: Int) {\n    submitChallenge(executionId: $executionId, response: $response, step: $step) {\n      ...ExecutionFields\n    }\n  }\n"): typeof import('./graphql').SubmitChallengeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RestartFlow($executionId: ID!) {\n    restartFlow(executionId: $executionId) {\n      ...ExecutionFields\n    }\n  }\n"): typeof import('./graphql').RestartFlowDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FlowExecution($id: ID!) {\n    flowExecution(id: $id) {\n      ...ExecutionFields\n    }\n  }\n"): typeof import('./graphql').FlowExecutionDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription FlowExecutionChanges($id: ID!) {\n    flowExecution(id: $id) {\n      ...ExecutionFields\n    }\n  }\n"): typeof import('./graphql').FlowExecutionChangesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment BellNotificationFields on Notification {\n    id\n    rule\n    severity\n    body\n    seen\n    createdAt\n  }\n"): typeof import('./graphql').BellNotificationFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query BellNotifications($first: Int!) {\n    viewer {\n      notifications(first: $first) {\n        edges {\n          node {\n            ...BellNotificationFields\n          }\n        }\n      }\n      unseen: notifications(first: 0, unseenOnly: true) {\n        totalCount\n      }\n    }\n  }\n"): typeof import('./graphql').BellNotificationsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription BellNotificationCreated {\n    notificationCreated {\n      id\n    }\n  }\n"): typeof import('./graphql').BellNotificationCreatedDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation BellMarkSeen($ids: [ID!]!) {\n    markNotificationsSeen(ids: $ids) {\n      id\n    }\n  }\n"): typeof import('./graphql').BellMarkSeenDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Site {\n    currentBrand {\n      title\n      logo\n      favicon\n      authenticationFlow\n      invalidationFlow\n      recoveryFlow\n      userSettingsFlow\n      unenrollmentFlow\n    }\n    viewer {\n      isSuperuser\n      user {\n        id\n        username\n        name\n        email\n      }\n    }\n  }\n"): typeof import('./graphql').SiteDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyAuthenticatorDevices {\n    viewer {\n      authenticatorDevices {\n        id\n        deviceClass\n        name\n        createdAt\n        lastUsedAt\n        remainingCodes\n      }\n    }\n  }\n"): typeof import('./graphql').MyAuthenticatorDevicesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RenameAuthenticatorDevice($id: ID!, $name: String!) {\n    renameAuthenticatorDevice(id: $id, name: $name) {\n      id\n      name\n    }\n  }\n"): typeof import('./graphql').RenameAuthenticatorDeviceDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteAuthenticatorDevice($id: ID!) {\n    deleteAuthenticatorDevice(id: $id)\n  }\n"): typeof import('./graphql').DeleteAuthenticatorDeviceDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PasswordChangeFlow {\n    currentBrand {\n      passwordChangeFlow\n    }\n  }\n"): typeof import('./graphql').PasswordChangeFlowDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MySessions {\n    viewer {\n      sessions {\n        key\n        current\n        createdAt\n        lastSeenAt\n        expiresAt\n        clientIp\n        userAgent\n      }\n    }\n  }\n"): typeof import('./graphql').MySessionsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeSession($key: ID!) {\n    revokeSession(key: $key)\n  }\n"): typeof import('./graphql').RevokeSessionDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeOtherSessions {\n    revokeOtherSessions\n  }\n"): typeof import('./graphql').RevokeOtherSessionsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyApplications {\n    viewer {\n      applications {\n        name\n        slug\n        group\n        description\n        icon\n        launchUrl\n      }\n    }\n  }\n"): typeof import('./graphql').MyApplicationsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConnectedApplications {\n    viewer {\n      connectedApplications {\n        application {\n          name\n          slug\n          icon\n          launchUrl\n        }\n        scopes\n        consentedAt\n        expiresAt\n      }\n    }\n  }\n"): typeof import('./graphql').ConnectedApplicationsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeApplicationAccess($slug: String!) {\n    revokeApplicationAccess(slug: $slug)\n  }\n"): typeof import('./graphql').RevokeApplicationAccessDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
